using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Checkpoints;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Serving;
using CaptionBoundaries.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.TestingHost;
using static TorchSharp.torch;

namespace CaptionBoundaries.Tests.Grains.Models;

/// <summary>
/// One single-silo TestCluster (its own ports) with the real plugins folder, plus checkpoints of the tiny test
/// CNN written directly (different seeds give different weights and hashes) and one synthetic sample to predict on.
/// </summary>
public sealed class ModelServingFixture : IAsyncLifetime
{
    public const int ImageSize = 32;

    private readonly TempFolder _root = new("cb-grains-models");
    private PluginRegistry _plugins = null!;

    public TestCluster Cluster { get; private set; } = null!;
    public string CheckpointFolder => _root.Combine("checkpoints");
    public PredictionInput Sample { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    public LoadedModelCache Cache =>
        ((InProcessSiloHandle)Cluster.Primary!).SiloHost.Services.GetRequiredService<LoadedModelCache>();

    public async Task InitializeAsync()
    {
        var pluginsFolder = _root.Combine("plugins");
        TestPaths.PopulatePluginsFolder(pluginsFolder);
        _plugins = new PluginRegistry(new PluginRegistryOptions { PluginsFolder = pluginsFolder, WatchForChanges = false },
            NullLogger<PluginRegistry>.Instance);
        _plugins.LoadAll();
        Sample = MakeSample(_root.Combine("dataset"));

        // Ports away from Orleans' defaults (11111/30000) and from other test hosts running on this machine.
        var basePort = Random.Shared.Next(21000, 39000);
        var builder = new TestClusterBuilder(1);
        builder.Options.BaseSiloPort = basePort;
        builder.Options.BaseGatewayPort = basePort + 500;
        builder.ConfigureHostConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CaptionBoundaries:DataFolder"] = _root.Combine("data"),
            ["CaptionBoundaries:PluginsFolder"] = pluginsFolder,
        }));
        builder.AddSiloBuilderConfigurator<ModelServingSilo>();
        builder.AddClientBuilderConfigurator<ModelServingSilo>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        // Model grains write the registry's version and change rows to the tracking database.
        await CaptionBoundaries.Infrastructure.Tracking.TrackingDatabase.MigrateAsync(((InProcessSiloHandle)Cluster.Primary!).SiloHost.Services);
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        _plugins.Dispose();
        _root.Dispose();
    }

    /// <summary>A tiny_test_cnn checkpoint whose weights depend on <paramref name="seed"/> (so its hash does too).</summary>
    public string WriteCheckpoint(string fileName, int seed, string architectureName = "tiny_test_cnn")
    {
        var architecture = _plugins.GetArchitecture("tiny_test_cnn");
        manual_seed(seed);
        using var model = architecture.Create(architecture.DefaultConfig);
        var embedder = _plugins.GetEmbedder("glyph_profile");
        var path = Path.Combine(CheckpointFolder, fileName);
        CheckpointFile.Write(path, new CheckpointMetadata
        {
            ArchitectureName = architectureName,
            ModelConfig = architecture.DefaultConfig.Values,
            Hyperparameters = new Dictionary<string, string> { ["seed"] = seed.ToString() },
            ImageHeight = ImageSize,
            ImageWidth = ImageSize,
            Classes = TaskSpec.Classes,
            EmbedderName = embedder.Name,
            EmbedderVersion = embedder.Version,
            AugmentationName = "none",
            DatasetIdentity = new string('a', 64),
            DatasetName = "grains-models",
            ExperimentId = Guid.NewGuid(),
            GitCommit = "test",
            Kind = "best",
            Epoch = 1,
            ValMacroF1 = 0.1 * (seed % 10),
            ValAccuracy = 0.5,
            ValLoss = 1,
            BestValMacroF1 = 0.1 * (seed % 10),
            BestEpoch = 1,
            TotalParameters = 1,
            TrainableParameters = 1,
        }, ModelStateBytes.Save(model), null);
        return path;
    }

    private static PredictionInput MakeSample(string folder)
    {
        SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions
        {
            OutputFolder = folder,
            SamplesPerClass = 1,
            Seed = 4,
            Width = 64,
            Height = 48,
            ValidationFraction = 0.2,
        }, null);
        var s = DatasetManifest.Load(folder).Samples[0];
        InputImage Bytes(string file) => InputImage.FromEncoded(File.ReadAllBytes(Path.Combine(folder, file)));
        return new PredictionInput(Bytes(s.Frame1), Bytes(s.Frame2), Bytes(s.OcrViz), s.SpatialFeatures, s.CaptionBox);
    }
}
