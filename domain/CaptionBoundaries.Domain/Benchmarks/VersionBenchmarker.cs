using System.Diagnostics;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Inference;
using CaptionBoundaries.Domain.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CaptionBoundaries.Domain.Benchmarks;

/// <summary>
/// Measures one loaded model on a fixed list of samples: per-sample latency at batch size 1 and throughput at
/// <see cref="ThroughputBatchSize"/>, plus the classification metrics of the batched pass.
/// </summary>
public static class VersionBenchmarker
{
    public const int ThroughputBatchSize = 16;

    // First forward passes pay for allocator growth and kernel selection; timing them would inflate p95.
    public const int WarmUpPasses = 3;

    public static VersionMeasurement Measure(LoadedModel loaded, CaptionDataset dataset, IReadOnlyList<DatasetSample> samples, Device device)
    {
        if (samples.Count == 0) throw new ArgumentException("A benchmark needs at least one sample.", nameof(samples));
        loaded.Model.eval();
        var latencies = MeasureLatencies(loaded, dataset, samples, device);

        // The batched pass is timed end to end (batch assembly, forward, softmax) since that is what a caller waits for.
        var started = Stopwatch.GetTimestamp();
        var predictions = Predictor.Predict(loaded, dataset, samples, ThroughputBatchSize, device);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;

        var confusion = ClassificationMetrics.EmptyConfusion();
        foreach (var p in predictions)
            confusion[TaskSpec.ClassIndex(p.TrueClass!)][TaskSpec.ClassIndex(p.PredictedClass)]++;
        return new VersionMeasurement(
            LatencyPercentiles.Of(latencies, 50),
            LatencyPercentiles.Of(latencies, 95),
            samples.Count / Math.Max(elapsed, 1e-9),
            ClassificationMetrics.FromConfusion(confusion),
            samples.Count);
    }

    private static List<double> MeasureLatencies(LoadedModel loaded, CaptionDataset dataset, IReadOnlyList<DatasetSample> samples, Device device)
    {
        using var noGrad = torch.no_grad();
        for (var i = 0; i < WarmUpPasses; i++) Forward(loaded, dataset, samples[i % samples.Count], device);
        var latencies = new List<double>(samples.Count);
        foreach (var sample in samples) latencies.Add(Forward(loaded, dataset, sample, device));
        return latencies;
    }

    /// <summary>Milliseconds of one forward pass until its logits are on the CPU; input assembly is not counted.</summary>
    private static double Forward(LoadedModel loaded, CaptionDataset dataset, DatasetSample sample, Device device)
    {
        using var scope = torch.NewDisposeScope();
        using var batch = CaptionDataset.MakeBatch([sample], dataset.Transform, device);
        var started = Stopwatch.GetTimestamp();
        using var logits = loaded.Model.forward(batch.Inputs).cpu();
        _ = logits.data<float>()[0];
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }
}
