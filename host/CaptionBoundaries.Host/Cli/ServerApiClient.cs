using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CaptionBoundaries.Host.Cli;

/// <summary>
/// Talks to a running `serve` over its REST API, for commands that need the grains (served models live in the
/// silo, which the in-process CLI does not start). Server errors come back as one readable exception.
/// </summary>
public sealed class ServerApiClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _server;

    // Benchmarks run inside the request; the default 100 s would cut off a large test set.
    public ServerApiClient(string server, string? token = null)
        : this(new HttpClient { BaseAddress = new Uri(server.TrimEnd('/') + "/"), Timeout = TimeSpan.FromHours(1) }, server)
    {
        // The server knows who asks from a personal API token (`caption-boundaries tokens create`).
        token ??= Environment.GetEnvironmentVariable(TokenVariable);
        if (!string.IsNullOrWhiteSpace(token))
            _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token.Trim());
    }

    public const string TokenVariable = "CAPTIONBOUNDARIES_TOKEN";

    /// <summary>Over a given client (tests pass one bound to an in-memory server).</summary>
    public ServerApiClient(HttpClient http, string server)
    {
        _http = http;
        _server = server;
    }

    public const string DefaultServer = "http://127.0.0.1:5080";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter() },
    };

    public Task<T> Get<T>(string path, CancellationToken ct) => Send<T>(() => _http.GetAsync(path, ct), ct);

    public Task<T> Post<T>(string path, object body, CancellationToken ct) => Send<T>(() => _http.PostAsJsonAsync(path, body, Json, ct), ct);

    /// <summary>Posts a local file as multipart/form-data (field "file").</summary>
    public async Task<T> Upload<T>(string path, string file, CancellationToken ct)
    {
        if (!File.Exists(file)) throw new ArgumentException($"File '{file}' does not exist.");
        return await Send<T>(async () =>
        {
            using var form = new MultipartFormDataContent { { new StreamContent(File.OpenRead(file)), "file", Path.GetFileName(file) } };
            return await _http.PostAsync(path, form, ct);
        }, ct);
    }

    public Task<T> Put<T>(string path, object body, CancellationToken ct) => Send<T>(() => _http.PutAsJsonAsync(path, body, Json, ct), ct);

    /// <summary>A file the server hands out (a report, an artifact): its bytes and the file name it suggests.</summary>
    public async Task<(byte[] Content, string? FileName)> Download(string path, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.GetAsync(path, ct);
        }
        catch (HttpRequestException e)
        {
            throw new InvalidOperationException($"Cannot reach the server at {_server} ({e.Message}). Start it with `caption-boundaries serve` or pass --server.");
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException(Describe((int)response.StatusCode, await response.Content.ReadAsStringAsync(ct)));
            var disposition = response.Content.Headers.ContentDisposition;
            return (await response.Content.ReadAsByteArrayAsync(ct), (disposition?.FileNameStar ?? disposition?.FileName)?.Trim('"'));
        }
    }

    private async Task<T> Send<T>(Func<Task<HttpResponseMessage>> send, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await send();
        }
        catch (HttpRequestException e)
        {
            throw new InvalidOperationException($"Cannot reach the server at {_server} ({e.Message}). Start it with `caption-boundaries serve` or pass --server.");
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException(Describe((int)response.StatusCode, text));
            return JsonSerializer.Deserialize<T>(text, Json) ?? throw new InvalidOperationException($"The server at {_server} sent an empty answer.");
        }
    }

    /// <summary>A ProblemDetails body as one line: title, detail and each invalid field with its messages.</summary>
    private static string Describe(int status, string body)
    {
        try
        {
            var problem = JsonDocument.Parse(body).RootElement;
            var parts = new List<string>();
            if (problem.TryGetProperty("title", out var title)) parts.Add(title.GetString() ?? "");
            if (problem.TryGetProperty("detail", out var detail)) parts.Add(detail.GetString() ?? "");
            if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
                foreach (var field in errors.EnumerateObject())
                    parts.Add($"{field.Name}: {string.Join(" ", field.Value.EnumerateArray().Select(e => e.GetString()))}");
            return $"server answered {status}: {string.Join(" ", parts.Where(p => p.Length > 0))}";
        }
        catch (JsonException)
        {
            return $"server answered {status}: {body}";
        }
    }

    public void Dispose() => _http.Dispose();
}
