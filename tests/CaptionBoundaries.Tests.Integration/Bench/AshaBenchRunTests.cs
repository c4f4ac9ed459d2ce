using CaptionBoundaries.Bench.Asha;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Host.Cli;
using CaptionBoundaries.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Bench;

/// <summary>
/// `bench sweep-asha` with real training of the tiny test CNN (several seconds, so not in the fast set): the bench
/// project's runner over the application's service graph, and the thin CLI entry that calls it.
/// </summary>
public sealed class AshaBenchRunTests : IAsyncLifetime
{
    private readonly TempFolder _temp = new("cb-bench-asha");
    private AppHost _host = null!;

    public async Task InitializeAsync() => _host = await AppHost.StartAsync();

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    private static readonly AshaBenchRequest Tiny = new()
    {
        Trials = 2,
        Epochs = 2,
        SamplesPerClass = 4,
        ImageSize = 32,
        BatchSize = 8,
        Architecture = "tiny_test_cnn",
        ModelConfig = new Dictionary<string, string> { ["width"] = "8" },
    };

    private AshaBenchmarkReport Run(AshaBenchRequest request)
    {
        using var scope = _host.Services.CreateScope();
        return ActivatorUtilities.CreateInstance<AshaBench>(scope.ServiceProvider).Run(request, CancellationToken.None);
    }

    private static string[] ScratchFolders() => Directory.GetDirectories(Path.GetTempPath(), "cb-bench-sweep-asha-*");

    [Fact]
    public void EachRepeatTrainsBothMethodsOnTheSameTrialsWithTheNextSeedAndTheScratchDataIsDeleted()
    {
        var scratchBefore = ScratchFolders();
        var started = new List<(int Repeat, int Seed)>();
        var finished = new List<int>();
        var ended = new List<AshaBenchmarkProgress>();
        var report = Run(Tiny with
        {
            Repeats = 2,
            OnRepeatStarted = (r, settings) => started.Add((r, settings.Seed)),
            OnRepeatFinished = (r, _) => finished.Add(r),
            Progress = new Collect(p => { if (p.TrialEnded) ended.Add(p); }),
        });

        Assert.Equal([(0, 1), (1, 2)], started);
        Assert.Equal([0, 1], finished);
        Assert.StartsWith("synthetic, 4 samples per class (seed 1): ", report.DatasetDescription);
        Assert.Equal(("tiny_test_cnn", 32, "cpu"), (report.Architecture, report.ImageSize, report.Device));
        Assert.Equal([1, 2], report.Runs.Select(r => r.Settings.Seed));
        foreach (var run in report.Runs)
        {
            // Random search trains every trial all its epochs; ASHA the same parameters, at most as long.
            Assert.Equal([2, 2], run.Random.Trials.Select(t => t.Curve.Count));
            Assert.Equal(run.Random.Trials.Select(t => t.Parameters), run.Asha.Trials.Select(t => t.Parameters));
            Assert.All(run.Asha.Trials, t => Assert.InRange(t.Curve.Count, 1, 2));
            Assert.Equal(4, run.Comparison.RandomTotalEpochs);
        }
        Assert.Equal(Median.Of(report.Runs.Select(r => r.Comparison.Ratio)), report.MedianRatio);
        // Every trial's end is reported once per method and repeat, tagged with its repeat.
        Assert.Equal(8, ended.Count);
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 1], ended.Select(p => p.Repeat));
        Assert.Equal(scratchBefore, ScratchFolders());
    }

    [Fact]
    public async Task TheCliEntryRunsTheBench()
    {
        TestPaths.PopulatePluginsFolder(_temp.Combine("plugins"));
        Assert.Equal(CliErrors.Ok, await CliApp.Build().Parse(["bench", "sweep-asha", "--data-dir", _temp.Combine("data"), "--plugins", _temp.Combine("plugins"),
            "-a", "tiny_test_cnn", "-m", "width=8", "--trials", "1", "--epochs", "2", "--samples", "4", "--batch-size", "8"]).InvokeAsync());
    }

    private sealed class Collect(Action<AshaBenchmarkProgress> report) : IProgress<AshaBenchmarkProgress>
    {
        public void Report(AshaBenchmarkProgress value) => report(value);
    }
}
