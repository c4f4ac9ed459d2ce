using System.Net;
using System.Net.Http.Json;
using CaptionBoundaries.Application.Features.Training;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Tests.Api;
using CaptionBoundaries.Tests.Support;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.TryIt;

/// <summary>
/// One server on a real loopback port (so the CLI can reach it as a child process) with:
/// <see cref="Model"/> v1 trained in a shared run on <see cref="Dataset"/> (active), v2 an uploaded checkpoint (no run);
/// <see cref="BobsPrivate"/>, a private model of bob's; <see cref="BobsShared"/>, a shared model whose one version was
/// trained in bob's private run; a viewer (vera) and bob's token.
/// </summary>
public sealed class TryItFixture : IAsyncLifetime
{
    public const string Model = "tryit";
    public const string BobsPrivate = "bobs-tryit";
    public const string BobsShared = "bob-shared";

    public ApiFactory Factory { get; } = new ApiFactory { Slots = 1 }.ListenOnLoopback();
    public HttpClient Admin { get; private set; } = null!;
    public string Dataset { get; private set; } = null!;
    public string ViewerToken { get; private set; } = "";
    public string BobToken { get; private set; } = "";
    public Guid RunId { get; private set; }

    public static readonly Actor Viewer = new("vera", [Roles.Viewer], IsAuthenticated: true, "127.0.0.1");
    public static readonly Actor Bob = new("bob", [Roles.Researcher], IsAuthenticated: true, "127.0.0.1");

    public async Task InitializeAsync()
    {
        Admin = Factory.CreateClient();
        Dataset = ApiRuns.Dataset(Factory.DataFolder, "tryit");
        ViewerToken = await Factory.CreateUserTokenAsync("vera", Roles.Viewer);
        BobToken = await Factory.CreateUserTokenAsync("bob", Roles.Researcher);

        var run = await Accounts.SendAsLocalOperator(Factory.Services,
            new TrainModelCommand(Support.TrainedRunFixture.TinyRun(Dataset, "tryit-run", 1) with { ImageHeight = 32, ImageWidth = 32 }));
        Assert.Equal(ExperimentStatus.Completed, run.Status);
        RunId = run.ExperimentId;
        await ApiJson.Expect(await Admin.PostAsJsonAsync($"/api/models/{Model}/versions", new { experiment_id = RunId.ToString("N") }), HttpStatusCode.Created);
        // Other weights, no tracked run: its checkpoint names a run id nobody recorded.
        var plugins = Factory.Services.GetRequiredService<PluginRegistry>();
        var uploaded = CheckpointFactory.WriteTinyCnn(plugins, Path.Combine(Factory.DataFolder, "datasets", "tryit-weights", "other.pt"), 17);
        await ApiJson.Expect(await Admin.PostAsJsonAsync($"/api/models/{Model}/versions", new { checkpoint_path = uploaded }), HttpStatusCode.Created);
        await ApiJson.Expect(await Admin.PutAsJsonAsync($"/api/models/{Model}/aliases/production", new { version = 1 }), HttpStatusCode.OK);

        using var bob = Factory.CreateClient(BobToken);
        await ApiJson.Expect(await bob.PostAsJsonAsync($"/api/models/{BobsPrivate}/versions", new { checkpoint_path = uploaded }), HttpStatusCode.Created);
        await ApiJson.Expect(await bob.PutAsJsonAsync($"/api/models/{BobsPrivate}/aliases/production", new { version = 1 }), HttpStatusCode.OK);
        await ApiJson.Expect(await bob.PutAsJsonAsync($"/api/models/{BobsPrivate}/visibility", new { @private = true }), HttpStatusCode.OK);
        var privateRun = await ApiRuns.StartAsync(bob, Dataset, "bobs-private-run", isPrivate: true);
        Assert.Equal("Completed", await ApiRuns.WaitFinishedAsync(bob, privateRun));
        await ApiJson.Expect(await bob.PostAsJsonAsync($"/api/models/{BobsShared}/versions", new { experiment_id = privateRun }), HttpStatusCode.Created);
    }

    /// <summary>Sends a request through the real pipeline (roles, visibility, validation) as <paramref name="actor"/>, as the console does.</summary>
    public async Task<T> Send<T>(Actor actor, IQuery<T> query)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ActorContext>().Current = actor;
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(query);
    }

    public async Task<T> Send<T>(Actor actor, ICommand<T> command)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ActorContext>().Current = actor;
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(command);
    }

    /// <summary>The validation samples of <see cref="Dataset"/> in manifest order (the run's validation split).</summary>
    public IReadOnlyList<DatasetManifestSample> Validation() =>
        DatasetManifest.Load(Dataset).Samples.Where(s => s.Split == DatasetSplit.Validation).ToList();

    /// <summary>A sample of <see cref="Dataset"/> as prediction input: its files' bytes, as a client sends them.</summary>
    public PredictionInput Input(DatasetManifestSample sample)
    {
        InputImage Read(string field, string relative) =>
            InputImage.FromEncoded(File.ReadAllBytes(DatasetManifest.ResolveImagePath(Dataset, sample, field, relative)));
        return new PredictionInput(Read("frame1", sample.Frame1), Read("frame2", sample.Frame2), Read("ocr_viz", sample.OcrViz),
            sample.SpatialFeatures, sample.CaptionBox);
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await Factory.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class TryItCollection : ICollectionFixture<TryItFixture>
{
    public const string Name = "try-it";
}
