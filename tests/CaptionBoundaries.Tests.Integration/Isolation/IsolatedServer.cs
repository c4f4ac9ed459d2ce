using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using CaptionBoundaries.Tests.Support;

namespace CaptionBoundaries.Tests.Isolation;

/// <summary>
/// A real `caption-boundaries serve` process (SQLite, CPU slots, its own data and plugins folders with the misbehaving
/// test plugin) whose runs train in worker processes, with the training limits a test gives.
/// </summary>
public sealed class IsolatedServer : IAsyncDisposable
{
    public const string AdminName = "isolation-admin";
    public const string MisbehavingPlugin = "CaptionBoundaries.TestPlugin.Misbehaving";

    private readonly TempFolder _root = new("cb-isolation");
    private readonly StringBuilder _log = new();
    private readonly Dictionary<string, string> _environment;
    private Process? _process;

    private IsolatedServer(Dictionary<string, string> settings)
    {
        TestPaths.PopulatePluginsFolder(PluginsFolder);
        TestPaths.CopyFolder(Path.Combine(TestPaths.TestPlugins, MisbehavingPlugin), Path.Combine(PluginsFolder, MisbehavingPlugin));
        _environment = new Dictionary<string, string>
        {
            ["CAPTIONBOUNDARIES_Database__Provider"] = "sqlite",
            ["CAPTIONBOUNDARIES_Cluster__Device"] = "cpu",
            // The test polls and predicts in a loop; the per-account limits are for people and scripts.
            ["CAPTIONBOUNDARIES_Security__RateLimitPerMinute"] = "1000000",
        };
        foreach (var (key, value) in settings) _environment["CAPTIONBOUNDARIES_" + key.Replace(":", "__")] = value;
    }

    public string DataFolder => _root.Combine("data");
    public string PluginsFolder => _root.Combine("plugins");
    public string DatabaseFile => Path.Combine(DataFolder, "caption-boundaries.db");
    public string BaseUrl { get; private set; } = "";
    public string AdminToken { get; private set; } = "";
    public Process Process => _process ?? throw new InvalidOperationException("not started");

    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>An admin and a token made with the CLI, then `serve` with <paramref name="slots"/> slots, answering its health endpoint.</summary>
    public static async Task<IsolatedServer> StartAsync(int slots, Dictionary<string, string> settings)
    {
        var server = new IsolatedServer(settings);
        await HostProcess.RunCliAsync(server.Start("users", "create-admin", AdminName, "--password-stdin"), Accounts.Password + "\n");
        var token = await HostProcess.RunCliAsync(server.Start("tokens", "create", "--user", AdminName, "--name", "isolation"), null);
        server.AdminToken = token.Trim().Split('\n')[^1].Trim();
        server.BaseUrl = $"http://127.0.0.1:{FreePort.Next()}";
        var process = server._process = Process.Start(server.Start("serve", "--urls", server.BaseUrl, "--slots", slots.ToString(),
            "--silo-port", FreePort.Next().ToString()))!;
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = server.Http();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"serve exited with {process.ExitCode}:\n{server.Log}");
            try
            {
                if ((await http.GetAsync("/api/health")).IsSuccessStatusCode) return server;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(300);
        }
        throw new TimeoutException($"serve did not answer within 2 minutes:\n{server.Log}");
    }

    public HttpClient Http()
    {
        var http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        return http;
    }

    private ProcessStartInfo Start(params string[] args) => HostProcess.StartInfo(_root.Path, DataFolder, PluginsFolder, _environment, args);

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
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _root.Dispose();
    }
}
