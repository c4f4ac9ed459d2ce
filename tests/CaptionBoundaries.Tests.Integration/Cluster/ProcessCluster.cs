using System.Diagnostics;
using System.Net.Http.Headers;
using CaptionBoundaries.Tests.Support;
using Npgsql;

namespace CaptionBoundaries.Tests.Cluster;

/// <summary>
/// Several real `caption-boundaries serve` processes on this machine, each with its own HTTP and silo ports, joined
/// into one Orleans cluster through ADO.NET membership in a fresh PostgreSQL database, which is also their tracking
/// database and grain storage. They share one data folder (checkpoints, datasets), as nodes share an artefact store.
/// </summary>
public sealed class ProcessCluster : IAsyncDisposable
{
    public const string AdminName = "cluster-admin";

    private readonly TempFolder _root = new("cb-cluster");
    private readonly string _database = $"cb_cluster_{Guid.NewGuid():N}";
    private readonly string _clusterId = $"test-{Guid.NewGuid():N}"[..20];
    private readonly List<ClusterNode> _nodes = [];
    private readonly IReadOnlyDictionary<string, string> _settings;

    private ProcessCluster(IReadOnlyDictionary<string, string>? settings)
    {
        _settings = settings ?? new Dictionary<string, string>();
        TestPaths.PopulatePluginsFolder(PluginsFolder);
    }

    public string DataFolder => _root.Combine("data");
    public string PluginsFolder => _root.Combine("plugins");
    public string ConnectionString => PostgresServer.ConnectionString(_database);
    public IReadOnlyList<ClusterNode> Nodes => _nodes;
    public string AdminToken { get; private set; } = "";
    public string ClusterId => _clusterId;

    /// <summary>A new cluster database; <paramref name="settings"/> are more environment variables for every node (e.g. the cluster certificate).</summary>
    public static async Task<ProcessCluster> CreateAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var cluster = new ProcessCluster(settings);
        await using (var server = new NpgsqlConnection(PostgresServer.ConnectionString("postgres")))
        {
            await server.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{cluster._database}\"", server);
            await create.ExecuteNonQueryAsync();
        }
        await cluster.RunCli(Accounts.Password + "\n", "users", "create-admin", AdminName, "--password-stdin");
        var tokenOutput = await cluster.RunCli(null, "tokens", "create", "--user", AdminName, "--name", "cluster-test");
        cluster.AdminToken = tokenOutput.Trim().Split('\n')[^1].Trim();
        return cluster;
    }

    /// <summary>Starts a node (with an Orleans client gateway only when asked) and waits until it answers its health endpoint.</summary>
    public async Task<ClusterNode> StartNodeAsync(string name, int slots = 1, int? gatewayPort = null)
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var start = Start(["serve", "--urls", url, "--slots", slots.ToString(), "--silo-port", FreePort.Next().ToString(),
            .. gatewayPort is { } port ? new[] { "--gateway-port", port.ToString() } : []]);
        start.Environment["CAPTIONBOUNDARIES_Cluster__NodeName"] = name;
        var node = new ClusterNode(name, url, Process.Start(start)!);
        node.Capture();
        _nodes.Add(node);
        using var http = Http(node);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            if (node.Process.HasExited) throw new InvalidOperationException($"node {name} exited with {node.Process.ExitCode}:\n{node.Log}");
            try
            {
                if ((await http.GetAsync("/api/health")).IsSuccessStatusCode) return node;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(300);
        }
        throw new TimeoutException($"node {name} did not answer within 2 minutes:\n{node.Log}");
    }

    /// <summary>An API client of one node, signed in as the admin.</summary>
    public HttpClient Http(ClusterNode node)
    {
        var http = new HttpClient { BaseAddress = new Uri(node.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        return http;
    }

    public string Logs() => string.Join("\n", _nodes.Select(n => $"===== {n.Name} =====\n{n.Log}"));

    /// <summary>Production settings, pointed at this machine: PostgreSQL everywhere, ADO.NET clustering, CPU slots, fast failure detection.</summary>
    private ProcessStartInfo Start(params string[] args) =>
        HostProcess.StartInfo(_root.Path, DataFolder, PluginsFolder, new Dictionary<string, string>(_settings)
        {
            ["CAPTIONBOUNDARIES_Database__Provider"] = "postgres",
            ["CAPTIONBOUNDARIES_Database__ConnectionString"] = ConnectionString,
            ["CAPTIONBOUNDARIES_Cluster__Clustering"] = "adonet",
            ["CAPTIONBOUNDARIES_Cluster__AdoNetConnectionString"] = ConnectionString,
            // All nodes on this machine: they reach each other on loopback (adonet clustering needs the address said).
            ["CAPTIONBOUNDARIES_Cluster__ListenAddress"] = "127.0.0.1",
            ["CAPTIONBOUNDARIES_Cluster__ClusterId"] = _clusterId,
            ["CAPTIONBOUNDARIES_Cluster__Device"] = "cpu",
            ["CAPTIONBOUNDARIES_Cluster__ProbeTimeout"] = "00:00:01",
            ["CAPTIONBOUNDARIES_Cluster__MissedProbesLimit"] = "2",
            // The tests poll; the per-account API limit is for people and scripts.
            ["CAPTIONBOUNDARIES_Security__RateLimitPerMinute"] = "1000000",
        }, args);

    private Task<string> RunCli(string? input, params string[] args) => HostProcess.RunCliAsync(Start(args), input);

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes) node.Dispose();
        await using (var server = new NpgsqlConnection(PostgresServer.ConnectionString("postgres")))
        {
            await server.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", server);
            await drop.ExecuteNonQueryAsync();
        }
        NpgsqlConnection.ClearAllPools();
        _root.Dispose();
    }
}
