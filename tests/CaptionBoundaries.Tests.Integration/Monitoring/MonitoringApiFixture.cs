using System.Net;
using System.Net.Http.Json;
using CaptionBoundaries.Application.Features.Monitoring;
using CaptionBoundaries.Application.Features.Training;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Monitoring;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Host.Cli;
using CaptionBoundaries.Infrastructure.Monitoring;
using CaptionBoundaries.Tests.Api;
using CaptionBoundaries.Tests.Grains;
using CaptionBoundaries.Tests.Registry;
using CaptionBoundaries.Tests.Support;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Monitoring;

/// <summary>
/// A server (real silo + API, webhooks to a local receiver) with a tiny CNN trained on a synthetic dataset (half of it
/// the validation split the references are built from), and a held-out dataset from the same generator with
/// another seed. Each test registers the trained run under its own model name, so windows and alerts never mix.
/// </summary>
public sealed class MonitoringApiFixture : IAsyncLifetime
{
    public WebhookReceiver Webhook { get; } = new();
    public ApiFactory Factory { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public string Dataset { get; private set; } = null!;
    public string HeldOut { get; private set; } = null!;
    public TrainModelResult Run { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Factory = new ApiFactory();
        Factory.Settings["Registry:Webhooks:0"] = Webhook.Url;
        Client = Factory.CreateClient();
        Dataset = Path.Combine(Factory.DataFolder, "datasets", "train");
        HeldOut = Path.Combine(Factory.DataFolder, "datasets", "held-out");
        var options = new SyntheticDatasetOptions { OutputFolder = Dataset, SamplesPerClass = 40, Seed = 21, Width = 64, Height = 48, ValidationFraction = 0.5 };
        SyntheticDatasetGenerator.Generate(options);
        SyntheticDatasetGenerator.Generate(options with { OutputFolder = HeldOut, Seed = 22 });

        Run = await Accounts.SendAsLocalOperator(Factory.Services,
            new TrainModelCommand(TrainedRunFixture.TinyRun(Dataset, "monitored", 6, seed: 3) with { ImageHeight = 32, ImageWidth = 32 }));
        Assert.Equal(ExperimentStatus.Completed, Run.Status);
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        Webhook.Dispose();
    }

    /// <summary>Registers the trained run as version 1 of <paramref name="model"/>, serves it, and waits for its reference.</summary>
    public async Task<ReferenceView> Serve(string model)
    {
        await ApiJson.Expect(await Client.PostAsJsonAsync($"/api/models/{model}/versions", new { experiment_id = Run.ExperimentId.ToString("N") }), HttpStatusCode.Created);
        await ApiJson.Expect(await Client.PutAsJsonAsync($"/api/models/{model}/aliases/production", new { version = 1 }), HttpStatusCode.OK);
        ReferenceView? reference = null;
        await Eventually.True(async () =>
        {
            reference = await BenchmarkJson<ReferenceView>(await Client.GetAsync($"/api/monitoring/models/{model}/versions/1/reference"));
            return reference.Status != ModelReference.Pending;
        }, 120, () => $"the reference of {model} v1 is still pending");
        Assert.True(reference!.Status == ModelReference.Ready, $"{reference.Status}: {reference.Note}");
        return reference;
    }

    public MonitorSimulation Simulation() => new(new ServerApiClient(Client, "test server"));

    public static Task<T> BenchmarkJson<T>(HttpResponseMessage response) =>
        Benchmarks.BenchmarkApiFixture.Read<T>(response, HttpStatusCode.OK);
}
