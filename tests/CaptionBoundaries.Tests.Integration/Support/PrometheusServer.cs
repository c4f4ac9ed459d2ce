using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CaptionBoundaries.Tests.Support;

/// <summary>
/// A real Prometheus server (Debian's <c>prometheus</c> package, which <c>.ci/run</c> installs) started as a child process
/// on a free loopback port, with its own configuration and storage in a temp folder: one job that scrapes one target every
/// second with a bearer token. Never the system service. Killed on dispose.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly TempFolder _folder = new("cb-prometheus");
    private readonly StringBuilder _log = new();
    private readonly HttpClient _http;
    private Process? _process;

    private PrometheusServer(int port)
    {
        Url = $"http://127.0.0.1:{port}";
        _http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(10) };
    }

    public string Url { get; }

    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>The prometheus executable on PATH (Debian installs /usr/bin/prometheus).</summary>
    public static string Executable() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':')
            .Select(dir => Path.Combine(dir, "prometheus")).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("Prometheus is not installed: apt-get install prometheus (.ci/run does).");

    /// <summary>Starts Prometheus scraping <paramref name="target"/> (host:port) at <c>/metrics</c> every second, and waits until it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(string target, string bearerToken)
    {
        var server = new PrometheusServer(FreePort.Next());
        var config = server._folder.Combine("prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: caption-boundaries
                metrics_path: /metrics
                authorization:
                  type: Bearer
                  credentials: {bearerToken}
                static_configs:
                  - targets: ['{target}']
            """);
        var start = new ProcessStartInfo(Executable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = server._folder.Path,
        };
        foreach (var argument in new[]
                 {
                     "--config.file=" + config, "--storage.tsdb.path=" + server._folder.Combine("data"),
                     "--web.listen-address=" + new Uri(server.Url).Authority, "--log.level=info",
                 })
            start.ArgumentList.Add(argument);
        var process = server._process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await server.WaitUntilReadyAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process!.HasExited) throw new InvalidOperationException($"prometheus exited with {_process.ExitCode}:\n{Log}");
            try
            {
                if ((await _http.GetAsync("/-/ready")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"prometheus was not ready within 30 s:\n{Log}");
    }

    /// <summary>The one scrape target's health and the start of its last scrape (from /api/v1/targets); null until it is discovered.</summary>
    public async Task<(string Health, DateTimeOffset LastScrape, string LastError)?> TargetAsync()
    {
        var data = await GetDataAsync("/api/v1/targets?state=active");
        if (data.GetProperty("activeTargets").EnumerateArray().SingleOrDefault() is not { ValueKind: JsonValueKind.Object } target) return null;
        return (target.GetProperty("health").GetString()!,
            DateTimeOffset.Parse(target.GetProperty("lastScrape").GetString()!, CultureInfo.InvariantCulture),
            target.GetProperty("lastError").GetString() ?? "");
    }

    /// <summary>An instant query; the result vector as (labels, value) pairs.</summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> QueryAsync(string promql)
    {
        var data = await GetDataAsync("/api/v1/query?query=" + Uri.EscapeDataString(promql));
        Assert.Equal("vector", data.GetProperty("resultType").GetString());
        return data.GetProperty("result").EnumerateArray().Select(r =>
        (
            (IReadOnlyDictionary<string, string>)r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            double.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)
        )).ToList();
    }

    /// <summary>The single value of a query that yields one series (a sum), or null when it yields none.</summary>
    public async Task<double?> ScalarAsync(string promql) => (await QueryAsync(promql)) switch
    {
        [] => null,
        [var one] => one.Value,
        var many => throw new InvalidOperationException($"'{promql}' gave {many.Count} series"),
    };

    private async Task<JsonElement> GetDataAsync(string path)
    {
        var text = await _http.GetStringAsync(path);
        var root = JsonDocument.Parse(text).RootElement;
        Assert.True(root.GetProperty("status").GetString() == "success", text);
        return root.GetProperty("data").Clone();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        _http.Dispose();
        _folder.Dispose();
    }
}
