using CaptionBoundaries.Application.Features.Training;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Training;

namespace CaptionBoundaries.Tests.Support;

/// <summary>
/// One real training run of the tiny test CNN on a freshly generated synthetic dataset, shared by the tests
/// that inspect its results (learning, tracking rows, checkpoints, inference).
/// </summary>
public sealed class TrainedRunFixture : IAsyncLifetime
{
    public const int Epochs = 8;

    public AppHost Host { get; private set; } = null!;
    public string DatasetFolder { get; private set; } = null!;
    public TrainModelResult Result { get; private set; } = null!;
    public TrainModelCommand Command { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await AppHost.StartAsync();
        DatasetFolder = Path.Combine(Host.DataFolder, "datasets", "synthetic");
        SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions
        {
            OutputFolder = DatasetFolder,
            SamplesPerClass = 40,
            Seed = 11,
            Width = 96,
            Height = 64,
            ValidationFraction = 0.25,
        }, null);
        Command = new TrainModelCommand(TinyRun(DatasetFolder, "learns", Epochs));
        Result = await Host.SendAsync(Command);
    }

    public static RunSpec TinyRun(string dataset, string name, int epochs, int seed = 5) => new()
    {
        DatasetFolder = dataset,
        Name = name,
        Architecture = "tiny_test_cnn",
        LearningRate = 3e-3,
        BatchSize = 16,
        Epochs = epochs,
        WeightDecay = 1e-4,
        Seed = seed,
        ImageHeight = 64,
        ImageWidth = 64,
    };

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
