using CaptionBoundaries.Domain.Datasets;

namespace CaptionBoundaries.Tests.Support;

/// <summary>An app host and a small synthetic dataset, for tests that run short trainings of their own.</summary>
public sealed class SmallDatasetFixture : IAsyncLifetime
{
    public AppHost Host { get; private set; } = null!;
    public string DatasetFolder { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await AppHost.StartAsync();
        DatasetFolder = Path.Combine(Host.DataFolder, "datasets", "small");
        SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions
        {
            OutputFolder = DatasetFolder,
            SamplesPerClass = 8,
            Seed = 3,
            Width = 64,
            Height = 48,
            ValidationFraction = 0.25,
        }, null);
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
