using System.Globalization;
using CaptionBoundaries.Domain.Sweeps;
using Spectre.Console;

namespace CaptionBoundaries.Bench.Asha;

/// <summary>`bench sweep-asha` in the terminal: live progress while the trials train, then the per-repeat tables and the ratio.</summary>
public static class AshaBenchConsole
{
    public static async Task<AshaBenchmarkReport> RunAsync(AshaBench bench, AshaBenchRequest request, CancellationToken ct)
    {
        AshaBenchmarkReport? report = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(ctx =>
            {
                var view = new LiveView(ctx, request.Trials * request.Epochs);
                report = bench.Run(request with
                {
                    Progress = new ProgressRelay<AshaBenchmarkProgress>(view.Report),
                    OnRepeatStarted = view.RepeatStarted,
                    OnRepeatFinished = (_, result) => view.RepeatFinished(result),
                }, ct);
                return Task.CompletedTask;
            });
        WriteReport(report!);
        return report!;
    }

    /// <summary>
    /// The progress bars: each method's trial-epochs out of the full budget (ASHA's stops short), and the steps of the
    /// epoch being trained; a line per finished trial.
    /// </summary>
    private sealed class LiveView(ProgressContext ctx, int budget)
    {
        private ProgressTask? _random, _asha, _epoch;
        private double _trialBest = double.NegativeInfinity;

        public void RepeatStarted(int repeat, AshaBenchmarkSettings settings)
        {
            var definition = settings.Definition();
            var rungs = ((AshaScheduler)SweepFactory.CreateScheduler(definition)!).Rungs;
            AnsiConsole.MarkupLineInterpolated(
                $"[bold]Repeat {repeat + 1}[/] (seed {settings.Seed}): {settings.Trials} random trials × {settings.Epochs} epochs; ASHA min_iter {settings.MinIter}, eta {settings.Eta}, rungs at epochs {string.Join(", ", rungs)}; space: {string.Join(", ", definition.Parameters.Select(p => $"{p.Name} {System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Kind.ToString())} [{p.Min}, {p.Max}]"))}");
            _random = ctx.AddTask($"random search, seed {settings.Seed}", maxValue: budget);
            _asha = ctx.AddTask($"ASHA, seed {settings.Seed}", maxValue: budget);
        }

        public void Report(AshaBenchmarkProgress p)
        {
            var method = p.Method == AshaBenchmark.AshaMethod ? _asha! : _random!;
            if (p.Step is { } step)
            {
                // Step bars only where they redraw in place; redirected output gets the per-trial lines.
                if (!AnsiConsole.Profile.Capabilities.Interactive) return;
                // One bar for the epoch being trained, reused from epoch to epoch.
                _epoch ??= ctx.AddTask("epoch", maxValue: step.StepsPerEpoch);
                _epoch.Description = $"  {Label(p.Method)} trial {p.Trial}/{p.Trials}, epoch {step.Epoch}/{step.Epochs}";
                _epoch.MaxValue = step.StepsPerEpoch;
                _epoch.Value = step.Step;
                return;
            }
            method.Value = p.EpochsSpent;
            if (p.Epoch == 1) _trialBest = double.NegativeInfinity;
            _trialBest = Math.Max(_trialBest, p.Metric ?? double.NegativeInfinity);
            if (!p.TrialEnded) return;
            var ending = p.StopReason is null ? $"ran all {p.Epoch} epochs" : $"[yellow]stopped after epoch {p.Epoch}[/]: {Markup.Escape(p.StopReason)}";
            AnsiConsole.MarkupLine($"{Label(p.Method)} trial {p.Trial}/{p.Trials}: {ending} (val macro-F1 best {_trialBest:F4}, last {p.Metric:F4}; {p.EpochsSpent} trial-epochs so far)");
            if (p.Method == AshaBenchmark.AshaMethod && p.Trial == p.Trials) method.StopTask();
        }

        public void RepeatFinished(AshaBenchmarkResult result)
        {
            _epoch?.StopTask();
            _epoch = null;
            _random?.StopTask();
            _asha?.StopTask();
            WriteRepeat(result);
        }
    }

    private static string Label(string method) => method == AshaBenchmark.AshaMethod ? "ASHA" : "random";

    private static void WriteRepeat(AshaBenchmarkResult result)
    {
        var c = result.Comparison;
        var names = result.Random.Trials[0].Parameters.Keys.ToList();
        var trials = new Table().Title($"Trials (seed {result.Settings.Seed})").AddColumn(new TableColumn("Trial").RightAligned());
        foreach (var name in names) trials.AddColumn(new TableColumn(Markup.Escape(name)).RightAligned());
        trials.AddColumn("random: val macro-F1 per epoch").AddColumn(new TableColumn("ASHA epochs").RightAligned()).AddColumn("ASHA stop reason");
        foreach (var r in result.Random.Trials)
        {
            var a = result.Asha.Trials[r.Number - 1];
            var curve = string.Join(" ", r.Curve.Select((v, i) =>
                i + 1 == c.RandomReached.Epoch && r.Number == c.RandomReached.Trial ? $"[bold green]{v:F3}[/]" : v.ToString("F3", CultureInfo.InvariantCulture)));
            List<string> cells = [r.Number.ToString(CultureInfo.InvariantCulture), .. names.Select(name => Short(r.Parameters[name]))];
            cells.AddRange([curve, a.Curve.Count.ToString(CultureInfo.InvariantCulture), Markup.Escape(a.StopReason ?? "—")]);
            trials.AddRow(cells.ToArray());
        }
        AnsiConsole.Write(trials);

        var table = new Table().Title($"Random search vs ASHA, same {result.Settings.Trials} trials (seed {result.Settings.Seed})")
            .AddColumn("").AddColumn(new TableColumn("random search").RightAligned()).AddColumn(new TableColumn("ASHA").RightAligned());
        table.AddRow("best val macro-F1", $"{c.Target:F4}", c.AshaBest is null ? "—" : $"{c.AshaBest.Metric:F4}");
        table.AddRow($"trial-epochs until val macro-F1 ≥ {c.Target:F4}",
            $"{c.RandomReached.EpochsSpent} (trial {c.RandomReached.Trial}, epoch {c.RandomReached.Epoch})",
            c.AshaReached is { } reached ? $"{reached.EpochsSpent} (trial {reached.Trial}, epoch {reached.Epoch})" : "[yellow]never reached[/]");
        table.AddRow("trial-epochs in total", $"{c.RandomTotalEpochs}", $"{c.AshaTotalEpochs}");
        table.AddRow("trials stopped early", "0", $"{result.Asha.Trials.Count(t => t.StopReason is not null)}");
        table.AddRow("wall time", Duration(result.Random.Elapsed), Duration(result.Asha.Elapsed));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(RatioLine(c));
        if (result.CurveMismatches > 0)
            AnsiConsole.MarkupLine($"[yellow]warning:[/] {result.CurveMismatches} ASHA trial-epochs differ from the same epoch of the same random trial: training is not repeatable on this device, so the two methods did not see identical curves.");
        AnsiConsole.WriteLine();
    }

    private static string RatioLine(AshaComparison c) => c.AshaReachedTarget
        ? $"ASHA/random trial-epochs to reach random search's best: {c.AshaEpochs}/{c.RandomReached.EpochsSpent} = [bold]{c.Ratio:F2}[/]"
        : $"ASHA never reached random search's best {c.Target:F4} (its own best {c.AshaBest?.Metric:F4}); ASHA's total over random's epochs to the target: {c.AshaEpochs}/{c.RandomReached.EpochsSpent} = [bold]{c.Ratio:F2}[/] [yellow](ASHA total, not reached)[/]";

    private static void WriteReport(AshaBenchmarkReport report)
    {
        AnsiConsole.MarkupLineInterpolated($"Data: {report.DatasetDescription}; {report.Architecture} at {report.ImageSize}×{report.ImageSize} on {report.Device}.");
        if (report.Runs.Count < 2) return;
        var table = new Table().Title("ASHA / random search, per seed").AddColumn(new TableColumn("Seed").RightAligned())
            .AddColumn(new TableColumn("random best F1").RightAligned()).AddColumn(new TableColumn("random epochs to it").RightAligned())
            .AddColumn(new TableColumn("ASHA epochs to it").RightAligned()).AddColumn(new TableColumn("ASHA total").RightAligned())
            .AddColumn(new TableColumn("ratio").RightAligned());
        foreach (var run in report.Runs)
        {
            var c = run.Comparison;
            table.AddRow($"{run.Settings.Seed}", $"{c.Target:F4}", $"{c.RandomReached.EpochsSpent}",
                c.AshaReachedTarget ? $"{c.AshaEpochs}" : $"never (best {c.AshaBest?.Metric:F4})", $"{c.AshaTotalEpochs}",
                c.AshaReachedTarget ? $"{c.Ratio:F2}" : $"{c.Ratio:F2} (total)");
        }
        AnsiConsole.Write(table);
        var reachedCount = report.Runs.Count(r => r.Comparison.AshaReachedTarget);
        AnsiConsole.MarkupLine($"Median ASHA/random ratio over {report.Runs.Count} seeds: [bold]{report.MedianRatio:F2}[/] " +
                               $"(ASHA reached random search's best in {reachedCount} of {report.Runs.Count}; where it did not, its total is counted).");
    }

    private static string Short(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d.ToString("G3", CultureInfo.InvariantCulture) : Markup.Escape(value);

    private static string Duration(TimeSpan t) => t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m {t.Seconds:00}s" : $"{t.TotalSeconds:F1}s";
}
