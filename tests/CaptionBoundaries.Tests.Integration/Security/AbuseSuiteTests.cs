using System.Net;
using System.Text;
using System.Text.Json;
using CaptionBoundaries.Application.Features.Accounts;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Tests.Support;

namespace CaptionBoundaries.Tests.Security;

/// <summary>
/// The abuse suite of issue 15: every API endpoint (from the routing table) × {anonymous, viewer, another researcher,
/// disabled account, expired token} × {malformed body, oversized body, hostile paths and a hostile definition}.
/// Every answer is below 500; every refusal is a ProblemDetails; callers without credentials get 401 and viewers 403
/// on writes; nothing stored changes; the server still answers afterwards.
/// </summary>
[Collection(AccessControlCollection.Name)]
public sealed class AbuseSuiteTests(AccessControlFixture fx)
{
    private const string Malformed = """{ "name": "x", "dataset_folder": [ unterminated""";

    // Larger than Limits:MaxJsonBodyKilobytes (1 MB by default).
    private static readonly string Oversized = """{ "name": "x", "padding": " """ + new string('a', 2 * 1024 * 1024) + "\" }";

    private const string HostilePaths = """
        {
          "name": "../../etc/passwd", "model": "../x", "architecture": "tiny_test_cnn", "epochs": 1,
          "dataset_folder": "/etc", "folder": "/proc/self", "output_folder": "/tmp/../etc/cb-owned",
          "checkpoint_path": "/dev/zero", "resume_from": "/etc/shadow",
          "frame1": "/dev/zero", "frame2": "/etc/shadow", "ocr_viz": "../../../../etc/passwd",
          "spatial_features": [1e308, -1e308, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
          "definition": "&a [*a]", "version": -1, "versions": [1, 1, 1], "slots": -5, "private": true,
          "user_name": "root", "role": "admin", "password": "x", "days_valid": 99999999, "enabled": false
        }
        """;

    private static readonly (string Name, string Body)[] Bodies = [("malformed", Malformed), ("oversized", Oversized), ("hostile", HostilePaths)];

    /// <summary>
    /// Writes a researcher may legitimately make whatever the body says: a token of their own (a state change that is
    /// theirs to make), and the monitoring flush, which takes no body.
    /// </summary>
    private static readonly HashSet<string> OwnAccountWrites =
    [
        "POST /api/tokens", "POST /api/monitoring/flush",
        // MLflow lets a researcher create an experiment of any name and a run in the Default experiment: both are theirs.
        "POST /api/2.0/mlflow/experiments/create", "POST /api/2.0/mlflow/runs/create",
    ];

    private const string HostileQuery = "?limit=-1&take=100000&skip=-5&sample=-1&versions=../../etc&status=%00&name=..%2F..&dryRun=maybe&history=999999999";

    [Fact]
    public async Task Every_endpoint_refuses_hostile_requests_from_every_kind_of_caller_without_a_5xx_or_a_change()
    {
        var dora = "dora-" + Guid.NewGuid().ToString("N")[..6];
        var disabled = await fx.Factory.CreateUserTokenAsync(dora, Roles.Researcher);
        await Accounts.SendAsLocalOperator(fx.Factory.Services, new SetUserDisabledCommand(dora, true));
        var callers = new (string Name, string? Token)[]
        {
            ("anonymous", null), ("expired", fx.ExpiredToken), ("disabled", disabled), ("viewer", fx.ViewerToken), ("researcher", fx.CarolToken),
        };
        var violations = new List<string>();
        var requests = 0;
        foreach (var (caller, token) in callers)
        {
            using var client = fx.Factory.CreateClient(token);
            foreach (var (method, pattern) in EndpointAccessTests.Endpoints(fx.Factory.Services))
            {
                var key = $"{method} {pattern}";
                var url = EndpointAccessTests.UrlOf(pattern);
                var variants = method == "GET" ? [("query", (string?)null)] : Bodies.Select(b => (b.Name, (string?)b.Body)).ToArray();
                foreach (var (variant, body) in variants)
                {
                    var before = await fx.StateFingerprintAsync();
                    using var request = new HttpRequestMessage(new HttpMethod(method), method == "GET" ? url + HostileQuery : url);
                    if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                    using var response = await client.SendAsync(request);
                    requests++;
                    var status = (int)response.StatusCode;
                    var text = await response.Content.ReadAsStringAsync();
                    var at = $"{caller} {key} [{variant}] -> {status}";
                    if (status >= 500) violations.Add($"{at}: {Trim(text)}");
                    // MLflow's paths answer in MLflow's error shape, which its clients read.
                    if (status >= 400 && !(pattern.StartsWith("/api/2.0/mlflow", StringComparison.Ordinal) ? IsMlflowError(text) : IsProblem(text)))
                        violations.Add($"{at}: not a ProblemDetails: {Trim(text)}");
                    if (caller is "anonymous" or "expired" or "disabled" && key != "GET /api/health" && status != 401) violations.Add($"{at}: expected 401");
                    if (caller == "researcher" && method != "GET" && !OwnAccountWrites.Contains(key) && !EndpointAccessTests.PostReads.Contains(key) && status < 400)
                        violations.Add($"{at}: accepted");
                    if (!(caller != "anonymous" && OwnAccountWrites.Contains(key)) && before != await fx.StateFingerprintAsync())
                        violations.Add($"{at}: changed stored state");
                }
            }
        }
        Assert.True(requests > 300, $"only {requests} requests were tried");
        Assert.True(violations.Count == 0, string.Join("\n", violations));
        using var admin = fx.Factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/health")).StatusCode);
    }

    [Fact]
    public async Task An_oversized_body_is_413_before_it_is_read_and_a_chunked_one_is_cut_off()
    {
        using var carol = fx.Factory.CreateClient(fx.CarolToken);
        using var declared = await carol.PostAsync("/api/experiments", new StringContent(Oversized, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Contains("Limits:MaxJsonBodyKilobytes", await declared.Content.ReadAsStringAsync());

        // No Content-Length: the body streams until the server stops reading at the limit.
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(Oversized)));
        chunked.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/experiments") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var streamed = await carol.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);
    }

    private static bool IsProblem(string text)
    {
        try
        {
            var root = JsonDocument.Parse(text).RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("status", out _) && root.TryGetProperty("title", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool IsMlflowError(string text)
    {
        try
        {
            var root = JsonDocument.Parse(text).RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error_code", out _) && root.TryGetProperty("message", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Trim(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
