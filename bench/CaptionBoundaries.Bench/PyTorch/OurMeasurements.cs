using CaptionBoundaries.Domain.Common;
namespace CaptionBoundaries.Bench.PyTorch;

/// <summary>
/// What the project measured in one run. Step times are in seconds, each timed step (after warm-up); the table quotes their medians. The end-to-end training throughput is
/// <see cref="SteadySamples"/> (epochs 2..E) over the dataset load from disk plus <see cref="SteadySeconds"/>, those
/// epochs' training phases (batch assembly and steps; validation and checkpoint writing left out). The whole run
/// (<see cref="RunSamples"/> in <see cref="RunSeconds"/>: model set-up, the warm-up epoch, every epoch's training phase)
/// is context; <see cref="ExcludedSeconds"/> is the validation and checkpoint writing it leaves out. Serving is requests
/// answered through the project's batching cache over the wall time of the timed requests; <see cref="ServingMeanBatch"/>
/// is how many requests its forward passes took on average; <see cref="ServingPrepareSeconds"/> the median time to turn one
/// request's files into tensors on one thread.
/// </summary>
public sealed record OurMeasurements(
    long Parameters,
    int BatchSize,
    IReadOnlyList<double> RawStepTimes,
    IReadOnlyList<double> TrainerStepTimes,
    double LoadSeconds,
    int SteadySamples,
    double SteadySeconds,
    int RunSamples,
    double RunSeconds,
    double ExcludedSeconds,
    int ServingRequests,
    int ServingCallers,
    double ServingSeconds,
    double ServingMeanBatch,
    int ServingLargestBatch,
    double ServingPrepareSeconds,
    IReadOnlyDictionary<int, double> RawForwardSamplesPerSecond)
{
    public double RawStepSeconds => Median.Of(RawStepTimes);

    public double TrainerStepSeconds => Median.Of(TrainerStepTimes);

    public double EndToEndSamplesPerSecond => SteadySamples / (LoadSeconds + SteadySeconds);

    /// <summary>The whole trainer run including model set-up and the warm-up epoch, dataset load added (context).</summary>
    public double WholeRunSamplesPerSecond => RunSamples / (LoadSeconds + RunSeconds);

    public double ServingPredictionsPerSecond => ServingRequests / ServingSeconds;

    /// <summary>The batch size serving achieved, rounded: PyTorch's forward is measured at this size to compare like with like.</summary>
    public int ServingBatchSize => Math.Max(1, (int)Math.Round(ServingMeanBatch, MidpointRounding.AwayFromZero));
}
