using CaptionBoundaries.Application;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Tracking;
using CaptionBoundaries.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.TestingHost;

namespace CaptionBoundaries.Tests.Grains;

/// <summary>
/// A one-silo in-process Orleans cluster over the real Application services, a temp data folder (SQLite file, migrated
/// up front) and a plugins folder with the tiny test CNN. <see cref="RestartAsync"/> stops the silo and starts a new one
/// on the same files, as a host restart would.
/// </summary>
public sealed class GrainCluster : IAsyncDisposable
{
    public const string Node = "node-a";

    private readonly TempFolder _root = new("cb-grains");
    private readonly Dictionary<string, string?> _settings;
    private InProcessTestCluster? _cluster;

    private GrainCluster(int slots)
    {
        PluginsFolder = _root.Combine("plugins");
        DataFolder = _root.Combine("data");
        TestPaths.PopulatePluginsFolder(PluginsFolder);
        _settings = new Dictionary<string, string?>
        {
            ["CaptionBoundaries:DataFolder"] = DataFolder,
            ["CaptionBoundaries:PluginsFolder"] = PluginsFolder,
            ["Database:Provider"] = "sqlite",
            ["Cluster:NodeName"] = Node,
            ["Cluster:Slots"] = slots.ToString(),
            ["Cluster:Device"] = "cpu",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(_settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddCaptionBoundaries(configuration);
        Services = services.BuildServiceProvider();
        DatasetFolder = Path.Combine(DataFolder, "datasets", "small");
    }

    public string PluginsFolder { get; }
    public string DataFolder { get; }
    public string DatasetFolder { get; }

    /// <summary>The Application services outside the cluster, to read the tracking database as a separate reader.</summary>
    public ServiceProvider Services { get; }

    public IClusterClient Client => _cluster!.Client;
    public ISchedulerGrain Scheduler => Client.GetGrain<ISchedulerGrain>(0);

    public static string Slot(int i) => $"{Node}/cpu:{i}";

    public static async Task<GrainCluster> StartAsync(int slots)
    {
        var cluster = new GrainCluster(slots);
        await TrackingDatabase.MigrateAsync(cluster.Services);
        SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions
        {
            OutputFolder = cluster.DatasetFolder,
            SamplesPerClass = 6,
            Seed = 3,
            Width = 48,
            Height = 32,
            ValidationFraction = 0.25,
        }, null);
        await cluster.DeployAsync();
        return cluster;
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await DeployAsync();
    }

    public async Task<T> QueryDb<T>(Func<TrackingDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<TrackingDbContext>());
    }

    public RunSpec Spec(string name, int epochs, string? dataset = null) => new()
    {
        Name = name,
        DatasetFolder = dataset ?? DatasetFolder,
        Architecture = "tiny_test_cnn",
        LearningRate = 3e-3,
        BatchSize = 8,
        Epochs = epochs,
        WeightDecay = 1e-4,
        Seed = 5,
        ImageHeight = 32,
        ImageWidth = 32,
    };

    public async Task<(Guid Id, ExperimentInfo Info)> SubmitAsync(RunSpec spec)
    {
        var id = Guid.NewGuid();
        var info = await Client.GetGrain<IExperimentGrain>(id).Submit(spec);
        return (id, info);
    }

    public IExperimentGrain Experiment(Guid id) => Client.GetGrain<IExperimentGrain>(id);

    /// <summary>Waits for the experiment to reach a phase; fails with its last info if it does not in time.</summary>
    public async Task<ExperimentInfo> WaitForPhase(Guid id, ExperimentStatus phase, int seconds = 60)
    {
        ExperimentInfo? last = null;
        await Eventually.True(async () => (last = await Experiment(id).GetInfo()).Phase == phase, seconds,
            () => $"experiment {id} never reached {phase}; last seen {last}");
        return last!;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await Services.DisposeAsync();
        _root.Dispose();
    }

    private async Task DeployAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(_settings);
            host.Logging.SetMinimumLevel(LogLevel.Warning);
            host.Services.AddCaptionBoundaries(host.Configuration);
        });
        builder.ConfigureSilo((_, silo) => silo.UseCaptionBoundaries());
        builder.ConfigureClient(client => client.Services.AddDomainTypesAsJson());
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    private async Task StopAsync()
    {
        if (_cluster is null) return;
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
        _cluster = null;
    }
}
