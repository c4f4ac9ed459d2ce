using System.Globalization;
using Spectre.Console;

namespace CaptionBoundaries.Bench.PyTorch;

/// <summary>`bench pytorch` in the terminal: the phase being measured while it runs, then the side-by-side table and its notes.</summary>
public static class PyTorchBenchConsole
{
    /// <param name="loadBefore">The one-minute load average read before the services were built, for the busy-machine warning.</param>
    public static async Task RunAsync(PyTorchBenchRunner runner, PyTorchBenchSettings settings, double? loadBefore, CancellationToken ct)
    {
        (OurMeasurements Ours, PyTorchPeerResult Peer)? result = null;
        await AnsiConsole.Status().StartAsync("starting", async ctx =>
        {
            result = await runner.RunAsync(settings, text =>
            {
                // Redirected output gets one line per phase, not a line per trainer step.
                if (AnsiConsole.Profile.Capabilities.Interactive) ctx.Status(Markup.Escape(text));
                else if (!text.StartsWith("Trainer:", StringComparison.Ordinal)) AnsiConsole.MarkupLineInterpolated($"[grey]{text}[/]");
            }, ct);
        });
        Write(settings, result!.Value.Ours, result.Value.Peer);
        WarnIfBusy(settings.Threads, loadBefore);
    }

    private static void Write(PyTorchBenchSettings s, OurMeasurements ours, PyTorchPeerResult peer)
    {
        AnsiConsole.MarkupLineInterpolated(
            $"{PyTorchBenchSettings.Architecture} at {s.ImageSize}×{s.ImageSize}, batch {s.BatchSize}, {s.Threads} threads on {s.Device}; PyTorch {peer.TorchVersion} ({peer.Threads} threads).");
        var same = ours.Parameters == peer.Parameters ? "[green]same model size[/]" : "[red]the models differ[/]";
        AnsiConsole.MarkupLine($"Parameters: project {ours.Parameters:N0}, PyTorch {peer.Parameters:N0} ({same}).");

        var table = new Table().Title("Project / PyTorch (medians; ratio = ours / PyTorch's)")
            .AddColumn("Measure").AddColumn(new TableColumn("Ours").RightAligned()).AddColumn(new TableColumn("PyTorch").RightAligned())
            .AddColumn(new TableColumn("Ratio").RightAligned()).AddColumn(new TableColumn("Target").RightAligned()).AddColumn("Met").AddColumn("Ratio divides");
        foreach (var row in PyTorchComparison.Build(ours, peer))
        {
            var target = row.Target is { } t ? (row.Kind == TargetKind.AtMost ? "≤ " : "≥ ") + t.ToString("F2", CultureInfo.InvariantCulture) : "—";
            var met = row.Met switch { true => "[green]met[/]", false => "[red]not met[/]", null => "[grey]context[/]" };
            var divisor = row.OursOnly ? $"(ours) {Value(row.PyTorch, row.Unit)}" : Value(row.PyTorch, row.Unit);
            table.AddRow(Markup.Escape(row.Measure), Value(row.Ours, row.Unit), divisor,
                row.Ratio.ToString("F2", CultureInfo.InvariantCulture), target, met, Markup.Escape(row.Divides));
        }
        AnsiConsole.Write(table);

        AnsiConsole.MarkupLineInterpolated($"Raw TorchSharp step times (s): {Times(ours.RawStepTimes)}; PyTorch: {Times(peer.TrainStep.Seconds ?? [])}.");
        AnsiConsole.MarkupLineInterpolated($"Trainer step times (s): {Times(ours.TrainerStepTimes)}.");
        AnsiConsole.MarkupLineInterpolated(
            $"End-to-end: {ours.SteadySamples} samples (epochs 2..{s.Epochs}) in {ours.LoadSeconds:F2} s of dataset loading + {ours.SteadySeconds:F2} s of batch assembly and steps; whole run {ours.RunSamples} samples in {ours.LoadSeconds + ours.RunSeconds:F2} s; {ours.ExcludedSeconds:F2} s of per-epoch validation and checkpoint writing left out.");
        AnsiConsole.MarkupLineInterpolated(
            $"Serving: {ours.ServingRequests} requests from {ours.ServingCallers} concurrent callers in {ours.ServingSeconds:F2} s; mean batch {ours.ServingMeanBatch:F1} (largest {ours.ServingLargestBatch}), so PyTorch's forward is taken at batch {ours.ServingBatchSize}. Serving includes reading and preparing each request's three PNG files: {ours.ServingPrepareSeconds * 1000:F1} ms per request on one thread (median).");
    }

    /// <summary>
    /// The two sides run one after the other: other work on the machine during one of them skews the ratios, so say so.
    /// </summary>
    private static void WarnIfBusy(int threads, double? before)
    {
        var after = LoadAverage.ReadOneMinute();
        if (before is null || after is null) return;
        AnsiConsole.MarkupLineInterpolated($"One-minute load average: {before:F1} before, {after:F1} after.");
        var l = Math.Max(before.Value, after.Value);
        if (l > Environment.ProcessorCount)
            AnsiConsole.MarkupLineInterpolated(
                $"[yellow]warning:[/] the one-minute load average is {l:F1} on {Environment.ProcessorCount} cores: other processes competed with the {threads} benchmark threads, so the ratios are noisy; rerun on an idle machine.");
    }

    private static string Times(IEnumerable<double> seconds) => string.Join(" ", seconds.Select(t => t.ToString("F2", CultureInfo.InvariantCulture)));

    private static string Value(double v, string unit) =>
        unit == "s" ? $"{v.ToString("F3", CultureInfo.InvariantCulture)} s" : $"{v.ToString("F1", CultureInfo.InvariantCulture)} {unit}";
}
