using CaptionBoundaries.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Tests.Cli;

/// <summary>
/// A real Kestrel server on a free loopback port that answers POST /api/models/{model}/predict the way serving does
/// (200 with model, version, predicted_class, confidence), or with a fixed error status. Hooks run inside the handler
/// after the n-th answer, so a test can stop the node or switch the version at a request count rather than a time.
/// </summary>
public sealed class PredictStubNode : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _served;

    private PredictStubNode(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }
    public int Served => Volatile.Read(ref _served);
    public int Version { get; set; } = 1;
    public int Status { get; init; } = 200;
    public string? LastAuthorization { get; private set; }

    /// <summary>Run after the answer with this count has been written (once).</summary>
    public Dictionary<int, Action<PredictStubNode>> After { get; } = new();

    public static async Task<PredictStubNode> StartAsync(int status = 200)
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        // Stopping should be quick: in-flight requests finish, then the port is closed.
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(5));
        var app = builder.Build();
        var node = new PredictStubNode(app, url) { Status = status };
        app.MapPost("/api/models/{model}/predict", async (string model, HttpContext http) =>
        {
            node.LastAuthorization = http.Request.Headers.Authorization.ToString();
            using (var reader = new StreamReader(http.Request.Body)) await reader.ReadToEndAsync();
            var n = Interlocked.Increment(ref node._served);
            IResult result = node.Status == 200
                ? Results.Json(new { model, version = node.Version, predicted_class = "same", confidence = 0.9 })
                : Results.Problem(title: "stub failure", statusCode: node.Status);
            if (node.After.TryGetValue(n, out var hook)) http.Response.OnCompleted(() => { hook(node); return Task.CompletedTask; });
            return result;
        });
        await app.StartAsync();
        return node;
    }

    /// <summary>Stops the node as a process stop would: in-flight answers finish, then the port refuses connections.</summary>
    public Task StopAsync() => _app.StopAsync();

    /// <summary>Stops from inside a request without waiting on it (the request being answered is in flight).</summary>
    public void StopInBackground() => _ = Task.Run(StopAsync);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
