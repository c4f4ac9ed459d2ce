using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Tests.Api;

namespace CaptionBoundaries.Tests.Sweeps;

/// <summary>One two-slot server and a tiny dataset shared by the sweep tests; each test leaves no trial running.</summary>
public sealed class SweepApiFixture : IAsyncLifetime
{
    public ApiFactory Factory { get; } = new() { Slots = 2 };
    public HttpClient Client { get; private set; } = null!;
    public string Dataset { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Client = Factory.CreateClient();
        Dataset = Path.Combine(Factory.DataFolder, "datasets", "sweep");
        SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions
        {
            OutputFolder = Dataset,
            SamplesPerClass = 4,
            Seed = 8,
            Width = 48,
            Height = 32,
            ValidationFraction = 0.25,
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}
