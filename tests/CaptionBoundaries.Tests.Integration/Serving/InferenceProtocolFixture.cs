using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Checkpoints;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Inference;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Host.Server;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using CaptionBoundaries.Tests.Support;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace CaptionBoundaries.Tests.Serving;

[CollectionDefinition(Name)]
public sealed class InferenceProtocolCollection : ICollectionFixture<InferenceProtocolFixture>
{
    public const string Name = "Open Inference Protocol";
}

/// <summary>
/// The server as `serve` composes it, on real sockets (Kestrel on loopback: HTTP/1.1 for REST and a Python client, the
/// Serving:GrpcPort endpoint for gRPC), with:
/// <list type="bullet">
/// <item><c>captions</c>: version 1 (32 × 32) active, version 2 (40 × 48 input) registered, version 3 archived;</item>
/// <item><c>dormant</c>: one version, never switched on;</item>
/// <item><c>bobs-model</c>: bob's, private, serving;</item>
/// <item>a synthetic dataset whose PNG files are what clients send, and accounts: admin, viewer (vera), researchers bob and carol.</item>
/// </list>
/// </summary>
public sealed class InferenceProtocolFixture : IAsyncLifetime
{
    public const string Model = "captions";
    public const string Dormant = "dormant";
    public const string Private = "bobs-model";
    public const string AdminName = "v2-admin";

    private readonly TempFolder _root = new("cb-v2");
    private readonly Dictionary<int, string> _checkpoints = [];
    private IHost? _host;

    public string DataFolder => _root.Combine("data");
    public string DatasetFolder => Path.Combine(DataFolder, "datasets", "v2");
    public DatasetManifest Manifest { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";
    public string GrpcUrl { get; private set; } = "";
    public string AdminToken { get; private set; } = "";
    public string ViewerToken { get; private set; } = "";
    public string BobToken { get; private set; } = "";
    public string CarolToken { get; private set; } = "";
    public IServiceProvider Services => _host!.Services;

    /// <summary>Extra configuration (a test collection with its own limits).</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    public async Task InitializeAsync()
    {
        var plugins = _root.Combine("plugins");
        TestPaths.PopulatePluginsFolder(plugins);
        BaseUrl = $"http://127.0.0.1:{FreePort.Next()}";
        var grpcPort = FreePort.Next();
        GrpcUrl = $"http://127.0.0.1:{grpcPort}";
        var settings = new Dictionary<string, string?>
        {
            ["CaptionBoundaries:DataFolder"] = DataFolder,
            ["CaptionBoundaries:PluginsFolder"] = plugins,
            ["Cluster:Slots"] = "1",
            ["Cluster:SiloPort"] = FreePort.Next().ToString(),
            ["Serving:GrpcPort"] = grpcPort.ToString(),
            // The suites send a few hundred requests with one account; the limits themselves are tested elsewhere.
            ["Security:RateLimitPerMinute"] = "100000",
        };
        foreach (var (key, value) in Settings) settings[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        _host = Microsoft.Extensions.Hosting.Host.CreateDefaultBuilder()
            .UseEnvironment(CaptionBoundaries.Infrastructure.Configuration.ConfigurationSources.DefaultEnvironment)
            .ConfigureAppConfiguration(c => c.AddInMemoryCollection(settings))
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .UseOrleans((context, silo) => ServerComposition.ConfigureSilo(silo, context.Configuration))
            .ConfigureWebHostDefaults(web =>
            {
                // The same listeners as `serve --urls …` with Serving:GrpcPort.
                ServingListeners.Configure(web, BaseUrl, configuration);
                web.ConfigureServices((context, services) => ServerComposition.AddServerServices(services, context.Configuration))
                    .Configure(ServerComposition.UseServerPipeline);
            })
            .Build();
        await TrackingDatabase.MigrateAsync(_host.Services);
        await _host.StartAsync();

        AdminToken = await Accounts.CreateFirstAdminAsync(Services, AdminName);
        ViewerToken = await Accounts.CreateUserAsync(Services, "vera", Roles.Viewer);
        BobToken = await Accounts.CreateUserAsync(Services, "bob", Roles.Researcher);
        CarolToken = await Accounts.CreateUserAsync(Services, "carol", Roles.Researcher);

        Manifest = SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions
        {
            OutputFolder = DatasetFolder,
            SamplesPerClass = 2,
            Seed = 16,
            Width = 64,
            Height = 48,
        });

        using var admin = Client(AdminToken);
        for (var version = 1; version <= 3; version++)
            await Register(admin, Model, WriteCheckpoint(Path.Combine(DataFolder, "ckpt", $"captions-{version}.pt"), version));
        await Expect(await admin.PostAsJsonAsync($"/api/models/{Model}/switch", new { version = 1, reason = "v2 tests" }));
        await Expect(await admin.PostAsJsonAsync($"/api/models/{Model}/versions/3/archive", new { reason = "v2 tests" }));
        await Register(admin, Dormant, WriteCheckpoint(Path.Combine(DataFolder, "ckpt", "dormant.pt"), 1));

        // A researcher names files under datasets/ only.
        using var bob = Client(BobToken);
        await Register(bob, Private, WriteCheckpoint(Path.Combine(DataFolder, "datasets", "bob", "bob.pt"), 7));
        await Expect(await bob.PostAsJsonAsync($"/api/models/{Private}/switch", new { version = 1, reason = "mine" }));
        await Expect(await bob.PutAsJsonAsync($"/api/models/{Private}/visibility", new { @private = true }));
    }

    /// <summary>Version 2 of <see cref="Model"/> takes 40 × 48 images, so metadata and answers show each version's own input size.</summary>
    private string WriteCheckpoint(string path, int seed)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var plugins = Services.GetRequiredService<PluginRegistry>();
        var written = seed == 2
            ? CheckpointFactory.WriteTinyCnn(plugins, path, seed, m => m with { ImageHeight = 40, ImageWidth = 48 })
            : CheckpointFactory.WriteTinyCnn(plugins, path, seed);
        if (path.Contains("captions-")) _checkpoints[seed] = written;
        return written;
    }

    private static async Task Register(HttpClient client, string model, string checkpoint) =>
        await Expect(await client.PostAsJsonAsync($"/api/models/{model}/versions", new { checkpoint_path = checkpoint }), HttpStatusCode.Created);

    private static async Task Expect(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {text}");
    }

    /// <summary>A client of the REST endpoint with this token, or none.</summary>
    public HttpClient Client(string? token)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A gRPC client over the plain-text HTTP/2 port, sending the token as "authorization: Bearer …" metadata.</summary>
    public (GrpcChannel Channel, Inference.GRPCInferenceService.GRPCInferenceServiceClient Client) Grpc(string? token)
    {
        var channel = GrpcChannel.ForAddress(GrpcUrl);
        var invoker = token is null
            ? channel.CreateCallInvoker()
            : channel.Intercept(metadata =>
            {
                metadata.Add("authorization", $"Bearer {token}");
                return metadata;
            });
        return (channel, new Inference.GRPCInferenceService.GRPCInferenceServiceClient(invoker));
    }

    /// <summary>Switches a model's version as its admin would (for readiness before and after).</summary>
    public async Task SwitchAsync(string model, int version)
    {
        using var admin = Client(AdminToken);
        await Expect(await admin.PostAsJsonAsync($"/api/models/{model}/switch", new { version, reason = "v2 tests" }));
    }

    public string ImagePath(int sample, string field)
    {
        var s = Manifest.Samples[sample];
        return DatasetManifest.ResolveImagePath(DatasetFolder, s, field, field switch
        {
            TaskSpec.Frame1 => s.Frame1,
            TaskSpec.Frame2 => s.Frame2,
            _ => s.OcrViz,
        });
    }

    /// <summary>
    /// What the checkpoint of <paramref name="version"/> gives for a dataset sample, computed here in the test process:
    /// the sample's files loaded as the dataset loader does and one forward pass, no server involved.
    /// </summary>
    public float[] Reference(int version, int sample)
    {
        var loader = Services.GetRequiredService<CheckpointLoader>();
        using var loaded = loader.Load(_checkpoints[version], CPU);
        var meta = loaded.Metadata;
        var s = Manifest.Samples[sample];
        var inputs = CaptionDataset.LoadSingle(ImagePath(sample, TaskSpec.Frame1), ImagePath(sample, TaskSpec.Frame2), ImagePath(sample, TaskSpec.OcrViz),
            s.SpatialFeatures, loader.EmbedderFor(meta, "reference"), new ImageTransform(meta.ImageHeight, meta.ImageWidth), s.CaptionBox);
        try
        {
            using var noGrad = no_grad();
            using var logits = loaded.Model.forward(inputs);
            using var probabilities = nn.functional.softmax(logits, 1);
            return probabilities.data<float>().ToArray();
        }
        finally
        {
            foreach (var t in inputs.Tensors) t.Dispose();
        }
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _root.Dispose();
    }
}
