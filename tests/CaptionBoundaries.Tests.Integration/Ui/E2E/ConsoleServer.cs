using System.Diagnostics;
using System.Text;
using CaptionBoundaries.Tests.Support;

namespace CaptionBoundaries.Tests.Ui.E2E;

/// <summary>
/// The real `caption-boundaries serve`, started from the host's own build output (the case where blazor.web.js
/// used to be missing) as a child process on 127.0.0.1 with a free port, a fresh data folder and its own silo ports.
/// </summary>
public sealed class ConsoleServer : IAsyncLifetime
{
    private readonly TempFolder _root = new("cb-e2e");
    private readonly StringBuilder _log = new();
    private Process? _process;

    public string BaseUrl { get; private set; } = "";

    public string DataFolder => _root.Combine("data");

    public string PluginsFolder => _root.Combine("plugins");

    /// <summary>More environment for `serve` (e.g. CAPTIONBOUNDARIES_Registry__Webhooks__0), set before <see cref="InitializeAsync"/>.</summary>
    public Dictionary<string, string> Environment { get; } = [];

    /// <summary>The running `serve` process (null before <see cref="InitializeAsync"/>).</summary>
    public Process? Process => _process;

    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    public async Task InitializeAsync()
    {
        var plugins = _root.Combine("plugins");
        TestPaths.PopulatePluginsFolder(plugins);
        var port = FreePort.Next();
        BaseUrl = $"http://127.0.0.1:{port}";
        // The operator's first steps on a new server: an admin account and a token, made with the CLI before `serve`.
        await RunCli(Accounts.Password + "\n", "users", "create-admin", AdminName, "--password-stdin");
        var tokenOutput = await RunCli(null, "tokens", "create", "--user", AdminName, "--name", "e2e");
        AdminToken = tokenOutput.Trim().Split('\n')[^1].Trim();

        await StartServeAsync();
    }

    /// <summary>Starts `serve` (again, after <see cref="StopAsync"/>: same data folder, same port) and waits until it answers.</summary>
    public async Task StartServeAsync()
    {
        var start = Start("serve", "--urls", BaseUrl, "--silo-port", FreePort.Next().ToString());
        foreach (var (key, value) in Environment) start.Environment[key] = value;
        _process = System.Diagnostics.Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"serve exited with {_process.ExitCode}:\n{Log}");
            try
            {
                if ((await http.GetAsync(BaseUrl + "/_framework/blazor.web.js")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(500);
        }
        throw new TimeoutException($"serve did not answer within 2 minutes:\n{Log}");
    }

    public const string AdminName = "e2e-admin";

    /// <summary>The admin's API token, made by `caption-boundaries tokens create` (its last output line).</summary>
    public string AdminToken { get; private set; } = "";

    /// <summary>An HTTP client for the served API, signed in as the admin.</summary>
    public HttpClient Http()
    {
        var http = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminToken);
        return http;
    }

    /// <summary>The host executable with this server's data and plugins folders, in Production with the overrides of this machine.</summary>
    private ProcessStartInfo Start(params string[] args) =>
        // Production's appsettings ask for PostgreSQL and a GPU; environment variables bring it back to this machine
        // (which the configuration page test also checks: the source of these values is the environment).
        HostProcess.StartInfo(_root.Path, DataFolder, _root.Combine("plugins"), new Dictionary<string, string>
        {
            ["CAPTIONBOUNDARIES_Database__Provider"] = "sqlite",
            ["CAPTIONBOUNDARIES_Cluster__Device"] = "cpu",
            // Sessions of disabled accounts end within this (SessionRevocationE2ETests); the default is a minute.
            ["CAPTIONBOUNDARIES_Security__SessionRevalidationInterval"] = "00:00:02",
        }, args);

    private Task<string> RunCli(string? input, params string[] args) => HostProcess.RunCliAsync(Start(args), input);

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    /// <summary>The host's build output of the same configuration as this test assembly (bin/&lt;Configuration&gt;/net10.0).</summary>
    public static string HostDll()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = testBin.Parent!.Name;
        var dll = Path.Combine(TestPaths.RepoRoot(), "host", "CaptionBoundaries.Host", "bin", configuration, testBin.Name, "caption-boundaries.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the host first: {dll} is missing.");
    }

    /// <summary>Kills `serve` (SIGKILL: nothing is drained, as in a crash or a power cut).</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        _process = null;
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _root.Dispose();
    }
}
