using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace CaptionBoundaries.Bench.Load;

/// <summary>
/// Sends predictions to one or more nodes with a fixed number of requests in flight, for a duration or a request
/// count. Requests go round-robin; a connection-level failure (refused, reset or dropped before an answer) marks
/// the node down for the back-off and the same request moves to the next node (a failover). A request fails when
/// it gets a non-2xx answer, times out, or every node failed it. Bodies are serialized once up front so the client
/// spends as little CPU as possible: on one machine it competes with the servers it measures.
/// </summary>
public sealed class LoadGenerator : IDisposable
{
    private readonly LoadSettings _settings;
    private readonly NodePool _pool;
    private readonly Uri[] _predict;
    private readonly HttpClient _http;
    private readonly Stopwatch _clock = new();
    private long _claimed = -1;

    public LoadGenerator(LoadSettings settings)
    {
        settings.Validate();
        _settings = settings;
        _pool = new NodePool(settings.Nodes, settings.Backoff);
        _predict = settings.Nodes.Select(n => settings.Protocol.Endpoint(n, settings.Model)).ToArray();
        Recorder = new LoadRecorder(settings.Nodes.Count);
        _http = new HttpClient(new SocketsHttpHandler
        {
            // A stopped node refuses at once on loopback; a hung one should not hold a request longer than this.
            ConnectTimeout = TimeSpan.FromSeconds(2),
            MaxConnectionsPerServer = settings.Concurrency,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        })
        { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        if (!string.IsNullOrWhiteSpace(settings.Token))
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.Token.Trim());
    }

    public LoadRecorder Recorder { get; }

    /// <summary>Time since the run started.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Builds bodies from objects (the predict request), serialized as the server expects.</summary>
    public static IReadOnlyList<byte[]> Serialize(IEnumerable<object> bodies) =>
        bodies.Select(b => JsonSerializer.SerializeToUtf8Bytes(b, LoadJson.Options)).ToList();

    /// <summary>Runs to the end of the duration or request count; cancellation stops early and reports what finished.</summary>
    public async Task<LoadReport> RunAsync(CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        _clock.Start();
        var workers = Enumerable.Range(0, _settings.Concurrency).Select(w => Task.Run(() => Worker(w, ct), CancellationToken.None)).ToArray();
        await Task.WhenAll(workers);
        var seconds = _clock.Elapsed.TotalSeconds;
        return Recorder.Report(_settings, started, seconds, ct.IsCancellationRequested);
    }

    private async Task Worker(int worker, CancellationToken ct)
    {
        var bodies = _settings.Bodies;
        // Workers start at different bodies so the mix does not depend on concurrency.
        var own = (long)worker;
        while (!ct.IsCancellationRequested)
        {
            long index;
            if (_settings.Requests is { } total)
            {
                index = Interlocked.Increment(ref _claimed);
                if (index >= total) return;
            }
            else
            {
                if (_clock.Elapsed >= _settings.Duration) return;
                index = own;
                own += _settings.Concurrency;
            }
            var outcome = await SendAsync(bodies[(int)(index % bodies.Count)], ct);
            if (outcome is { } finished) Recorder.Record(finished);
        }
    }

    /// <summary>One request, failing over between nodes; null when the run was cancelled under it.</summary>
    private async Task<LoadOutcome?> SendAsync(byte[] body, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        var tried = new bool[_pool.Count];
        var failovers = 0;
        string? lastError = null;
        for (var attempt = 0; attempt < _pool.Count; attempt++)
        {
            var node = _pool.Pick(tried);
            tried[node] = true;
            if (attempt > 0) failovers++;
            Recorder.Attempted(node);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_settings.Timeout);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, _predict[node]) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
                var answer = await response.Content.ReadAsByteArrayAsync(timeout.Token);
                var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                var at = _clock.Elapsed.TotalSeconds;
                if (response.IsSuccessStatusCode) return new LoadOutcome(at, ms, failovers, node, ReadVersion(answer), null, null);
                var reason = $"HTTP {(int)response.StatusCode}";
                return new LoadOutcome(at, ms, failovers, node, null, reason, $"{_settings.Nodes[node]} answered {reason}: {Excerpt(answer)}");
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return null;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                // The node took the request and did not answer in time: not retried, it may still be working on it.
                return Failed("timeout", $"{_settings.Nodes[node]} gave no answer within {_settings.Timeout.TotalSeconds:0.#} s");
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                // No answer at all: refused, reset, or closed before the response (a stopped node), or the connect timed out.
                _pool.MarkDown(node);
                Recorder.ConnectionFailed(node);
                lastError = $"{_settings.Nodes[node]}: {e.Message}";
            }
        }
        return Failed("all nodes unreachable", lastError);

        LoadOutcome Failed(string reason, string? error) =>
            new(_clock.Elapsed.TotalSeconds, Stopwatch.GetElapsedTime(start).TotalMilliseconds, failovers, null, null, reason, error);
    }

    /// <summary>The version an answer names: "version" of a REST answer, "model_version" (a string) of an Open Inference Protocol one.</summary>
    public static string? ReadVersion(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            foreach (var name in new[] { "version", "model_version" })
                if (root.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.Number or JsonValueKind.String)
                    return v.ValueKind == JsonValueKind.Number ? v.GetRawText() : v.GetString();
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Excerpt(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300)).ReplaceLineEndings(" ");
        return body.Length > 300 ? text + "…" : text;
    }

    public void Dispose() => _http.Dispose();
}
