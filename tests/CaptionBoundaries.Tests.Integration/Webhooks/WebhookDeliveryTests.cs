using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CaptionBoundaries.Tests.Registry;
using CaptionBoundaries.Tests.Support;
using CaptionBoundaries.Tests.Ui.E2E;

namespace CaptionBoundaries.Tests.Webhooks;

/// <summary>
/// Finding 6 of issue 15, against the real `serve` process: a webhook receiver that accepts the connection and never
/// answers used to stop the host ~10 s after the next registry change (the HTTP timeout escaped the background
/// service). Deliveries are now stored, retried with back-off under a per-attempt timeout, dead-lettered with their
/// last error, listed by the API and redelivered on request; the host keeps serving throughout.
/// </summary>
public sealed class WebhookDeliveryTests : IAsyncLifetime
{
    private const string Model = "hooked";
    private const string UrlSecret = "s3cr3t-hook-token";

    private readonly SilentReceiver _silent = new();
    private readonly WebhookReceiver _failing = new() { StatusCode = 500 };
    private readonly WebhookReceiver _working = new();
    private readonly ConsoleServer _server = new();
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        // Fast settings so the whole retry ladder fits in seconds: 3 attempts of at most 1 s each, 200 ms base back-off.
        _server.Environment["CAPTIONBOUNDARIES_Registry__Webhooks__0"] = _silent.Url;
        _server.Environment["CAPTIONBOUNDARIES_Registry__Webhooks__1"] = _failing.Url;
        _server.Environment["CAPTIONBOUNDARIES_Registry__Webhooks__2"] = _working.Url + "?token=" + UrlSecret;
        _server.Environment["CAPTIONBOUNDARIES_Webhooks__MaxAttempts"] = "3";
        _server.Environment["CAPTIONBOUNDARIES_Webhooks__AttemptTimeout"] = "00:00:01";
        _server.Environment["CAPTIONBOUNDARIES_Webhooks__BaseDelay"] = "00:00:00.200";
        _server.Environment["CAPTIONBOUNDARIES_Security__RateLimitPerMinute"] = "1000000";
        await _server.InitializeAsync();
        _http = _server.Http();
        _http.Timeout = TimeSpan.FromSeconds(30);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        _silent.Dispose();
        _failing.Dispose();
        _working.Dispose();
    }

    [Fact]
    public async Task AReceiverThatNeverAnswersTimesOutIsDeadLetteredAndTheHostKeepsServing()
    {
        await Register(1);
        var clock = Stopwatch.StartNew();

        // Each poll first proves the host is alive and answering; the loop ends when every delivery has settled.
        JsonElement deliveries = default;
        while (true)
        {
            await AssertServing(clock);
            var response = await _http.GetAsync("/api/webhooks/deliveries");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                deliveries = await ApiJson.Expect(response, HttpStatusCode.OK);
                if (Rows(deliveries).Count == 3 && Rows(deliveries).All(d => Status(d) != "pending")) break;
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"deliveries did not settle in 60 s: {deliveries}\n{_server.Log}");
            await Task.Delay(100);
        }

        var silent = Row(deliveries, _silent.Url);
        Assert.Equal("dead_lettered", Status(silent));
        Assert.Equal(3, silent.GetProperty("attempts").GetInt32());
        Assert.Contains("timed out", silent.GetProperty("last_error").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.True(_silent.Accepted >= 3, $"the silent receiver saw {_silent.Accepted} connections");

        var failing = Row(deliveries, _failing.Url);
        Assert.Equal("dead_lettered", Status(failing));
        Assert.Equal(3, failing.GetProperty("attempts").GetInt32());
        Assert.Equal(500, failing.GetProperty("last_status_code").GetInt32());
        Assert.Contains("500", failing.GetProperty("last_error").GetString());
        Assert.Equal(3, _failing.Received.Count);

        var working = Row(deliveries, _working.Url);
        Assert.Equal("delivered", Status(working));
        Assert.Equal(1, working.GetProperty("attempts").GetInt32());
        Assert.Equal(JsonValueKind.Null, working.GetProperty("last_error").ValueKind);
        var received = Assert.Single(_working.Received);
        Assert.Equal("register", received.GetProperty("kind").GetString());
        Assert.Equal(Model, received.GetProperty("model").GetString());
        // The URL's token never leaves the server in a listing.
        Assert.DoesNotContain(UrlSecret, deliveries.GetRawText());
        Assert.Equal(2, deliveries.GetProperty("dead_lettered").GetInt32());
        Assert.Equal(1, deliveries.GetProperty("delivered").GetInt32());

        // Still serving after the timeouts: the next registry change answers at once and is delivered too.
        var switchClock = Stopwatch.StartNew();
        await ApiJson.Expect(await _http.PutAsJsonAsync($"/api/models/{Model}/aliases/production", new { version = 1 }), HttpStatusCode.OK);
        Assert.True(switchClock.Elapsed < TimeSpan.FromSeconds(10), $"the alias change took {switchClock.Elapsed}");
        await Eventually(async () => _working.Received.Count >= 2, "the alias change reaches the working receiver");

        // A dead letter is redelivered on request: the failing receiver has recovered meanwhile.
        _failing.StatusCode = 200;
        var redelivered = await ApiJson.Expect(await _http.PostAsync($"/api/webhooks/deliveries/{failing.GetProperty("id").GetInt64()}/redeliver", null), HttpStatusCode.OK);
        Assert.Equal("pending", Status(redelivered));
        await Eventually(async () => Status(Row(await List(), _failing.Url, failing.GetProperty("id").GetInt64())) == "delivered",
            "the redelivered dead letter is delivered");
        // Only dead letters can be redelivered: a delivered one is a conflict.
        var conflict = await _http.PostAsync($"/api/webhooks/deliveries/{working.GetProperty("id").GetInt64()}/redeliver", null);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.False(_server.Process!.HasExited, _server.Log);
    }

    [Fact]
    public async Task APendingDeliveryIsDeliveredAfterTheHostRestarts()
    {
        // A longer back-off keeps the failing receiver's delivery pending between attempts; then the node is killed.
        await _server.StopAsync();
        _server.Environment["CAPTIONBOUNDARIES_Webhooks__BaseDelay"] = "00:00:03";
        _server.Environment["CAPTIONBOUNDARIES_Webhooks__MaxAttempts"] = "10";
        await _server.StartServeAsync();
        await Register(1);
        await Eventually(async () => Rows(await List()).Any(d => Url(d).Contains(_failing.Url) && d.GetProperty("attempts").GetInt32() >= 1),
            "a first attempt at the failing receiver");
        await _server.StopAsync();
        var before = await ReadStoredDelivery();

        // Back: the receiver recovered; the new process finds the stored delivery and finishes it.
        _failing.StatusCode = 200;
        await _server.StartServeAsync();
        await Eventually(async () => Status(Row(await List(), _failing.Url)) == "delivered", "the stored delivery is delivered by the restarted host");
        var after = Row(await List(), _failing.Url);
        Assert.Equal(before.id, after.GetProperty("id").GetInt64());
        Assert.True(after.GetProperty("attempts").GetInt32() > before.attempts, $"attempts {before.attempts} -> {after}");
    }

    private async Task<(long id, int attempts)> ReadStoredDelivery()
    {
        // Read straight from the server's SQLite file while it is down: the delivery is on disk, not in a lost queue.
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_server.DataFolder, "caption-boundaries.db")}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Id, Attempts, Status FROM WebhookDeliveries WHERE Url = $url";
        command.Parameters.AddWithValue("$url", _failing.Url);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "no stored delivery for the failing receiver");
        Assert.NotEqual("delivered", reader.GetString(2));
        return (reader.GetInt64(0), reader.GetInt32(1));
    }

    private async Task Register(int seed)
    {
        var clock = Stopwatch.StartNew();
        await TinyVersion.RegisterAsync(_server, _http, Model, seed);
        // Registering never waits for a delivery: three receivers, one of them silent, cost the request nothing.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"registering took {clock.Elapsed}");
    }

    /// <summary>The process is alive and answers its health check (a refused connection waits a moment for the exit, to say so).</summary>
    private async Task AssertServing(Stopwatch sinceChange)
    {
        var process = _server.Process!;
        try
        {
            await ApiJson.Expect(await _http.GetAsync("/api/health"), HttpStatusCode.OK);
            return;
        }
        catch (HttpRequestException e)
        {
            await Task.WhenAny(process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(5)));
            Assert.Fail($"serve stopped answering ({e.Message}) {sinceChange.Elapsed.TotalSeconds:F1} s after the registry change; " +
                $"{(process.HasExited ? $"it exited with {process.ExitCode}" : "it is still running")}:\n{_server.Log}");
        }
    }

    private async Task<JsonElement> List() => await ApiJson.Expect(await _http.GetAsync("/api/webhooks/deliveries"), HttpStatusCode.OK);

    private static List<JsonElement> Rows(JsonElement list) => list.GetProperty("deliveries").EnumerateArray().ToList();

    private static string Status(JsonElement delivery) => delivery.GetProperty("status").GetString()!;

    private static string Url(JsonElement delivery) => delivery.GetProperty("url").GetString()!;

    private static JsonElement Row(JsonElement list, string urlPart, long? id = null) =>
        Assert.Single(Rows(list), d => Url(d).Contains(urlPart) && (id is null || d.GetProperty("id").GetInt64() == id));

    private async Task Eventually(Func<Task<bool>> condition, string what) =>
        await Grains.Eventually.True(async () =>
        {
            Assert.False(_server.Process!.HasExited, $"serve exited:\n{_server.Log}");
            return await condition();
        }, 60, () => $"{what}:\n{_server.Log}");
}
