namespace CaptionBoundaries.Bench.PyTorch;

/// <summary>Whether a ratio must stay at or below its target (a time) or reach at least it (a throughput).</summary>
public enum TargetKind
{
    AtMost,
    AtLeast,
}

/// <summary>One line of the comparison: our number, PyTorch's, their ratio (ours / PyTorch's) and, for the judged lines, the target.</summary>
public sealed record ComparisonRow(string Measure, string Divides, double Ours, double PyTorch, string Unit, double? Target, TargetKind Kind)
{
    /// <summary>Both numbers are the project's (its serving against its own raw forward): <see cref="PyTorch"/> holds the divisor.</summary>
    public bool OursOnly { get; init; }

    public double Ratio => Ours / PyTorch;

    /// <summary>Null for context lines, which have no target.</summary>
    public bool? Met => Target is not { } t ? null : Kind == TargetKind.AtMost ? Ratio <= t : Ratio >= t;
}

/// <summary>Builds the table the command prints from the two sides' measurements.</summary>
public static class PyTorchComparison
{
    public const double TrainerStepTarget = 1.10;
    public const double EndToEndTarget = 0.90;
    public const double ServingTarget = 0.90;

    public static IReadOnlyList<ComparisonRow> Build(OurMeasurements ours, PyTorchPeerResult peer)
    {
        ArgumentNullException.ThrowIfNull(ours);
        ArgumentNullException.ThrowIfNull(peer);
        if (peer.BatchSize != ours.BatchSize)
            throw new InvalidOperationException($"PyTorch trained at batch {peer.BatchSize}, the project at {ours.BatchSize}: the steps are not comparable.");
        var b = ours.BatchSize;
        var served = ours.ServingBatchSize;
        var peerServed = peer.ForwardAt(served);
        var rows = new List<ComparisonRow>
        {
            new("Trainer step time", "project Trainer step (median) / PyTorch raw step (median)",
                ours.TrainerStepSeconds, peer.TrainStep.MedianSeconds, "s", TrainerStepTarget, TargetKind.AtMost),
            new("End-to-end training throughput", $"project samples/s after the first epoch, incl. dataset load and batch assembly / PyTorch raw step samples/s (batch {b})",
                ours.EndToEndSamplesPerSecond, peer.TrainStep.SamplesPerSecond, "samples/s", EndToEndTarget, TargetKind.AtLeast),
            new("Serving throughput", $"project predictions/s through the serving batcher / PyTorch raw forward samples/s at batch {served} (serving's mean batch)",
                ours.ServingPredictionsPerSecond, peerServed.SamplesPerSecond, "samples/s", ServingTarget, TargetKind.AtLeast),
            new("Whole trainer run throughput (context)", $"project samples/s over the whole run (model set-up, warm-up epoch, dataset load) / PyTorch raw step samples/s",
                ours.WholeRunSamplesPerSecond, peer.TrainStep.SamplesPerSecond, "samples/s", null, TargetKind.AtLeast),
            new("TorchSharp raw step time (context)", "TorchSharp raw step (median) / PyTorch raw step (median)",
                ours.RawStepSeconds, peer.TrainStep.MedianSeconds, "s", null, TargetKind.AtMost),
        };
        foreach (var (size, samplesPerSecond) in ours.RawForwardSamplesPerSecond.OrderBy(kv => kv.Key))
        {
            var theirs = peer.Forward.FirstOrDefault(f => f.BatchSize == size);
            if (theirs is null) continue;
            rows.Add(new($"TorchSharp raw forward, batch {size} (context)", $"TorchSharp raw forward samples/s / PyTorch raw forward samples/s at batch {size}",
                samplesPerSecond, theirs.SamplesPerSecond, "samples/s", null, TargetKind.AtLeast));
        }
        if (ours.RawForwardSamplesPerSecond.TryGetValue(served, out var ownRaw))
            rows.Add(new($"Serving / own raw forward, batch {served} (context)", $"project predictions/s through serving / TorchSharp raw forward samples/s at batch {served}",
                ours.ServingPredictionsPerSecond, ownRaw, "samples/s", null, TargetKind.AtLeast)
            { OursOnly = true });
        return rows;
    }
}
