using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Monitoring;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Monitoring;
using CaptionBoundaries.Infrastructure.Tracking;
using CaptionBoundaries.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Monitoring;

/// <summary>
/// Sliding windows, scores and alert de-duplication of the drift monitor over a real database, with a hand-made
/// reference (100 values per distribution) and hand-made prediction rows, so every number can be worked out on paper.
/// On SQLite and PostgreSQL: the windows are database queries.
/// </summary>
public sealed class DriftMonitorTests
{
    private AppHost _host = null!;
    private int _k;

    private DriftMonitor Monitor => _host.Services.GetRequiredService<DriftMonitor>();

    /// <summary>
    /// Reference: 20 predictions of each class; confidences 0.500, 0.505, …, 0.995 (so 5 PSI bins with edges 0.6, 0.7,
    /// 0.8, 0.9, 20% each); every input statistic 0.00, 0.01, …, 0.99.
    /// </summary>
    private async Task Setup(string model, DriftSettings settings)
    {
        var grid = Enumerable.Range(0, 100).Select(i => i / 100.0).ToArray();
        var profile = new ReferenceProfile
        {
            SampleCount = 100,
            ClassCounts = [20, 20, 20, 20, 20],
            LabelCounts = [20, 20, 20, 20, 20],
            Accuracy = 1,
            Confidences = Enumerable.Range(0, 100).Select(i => 0.5 + 0.005 * i).ToArray(),
            Inputs = InputStatistics.Names.ToDictionary(n => n, _ => (IReadOnlyList<double>)grid),
        };
        await _host.QueryDb(async db =>
        {
            db.ModelReferences.Add(new ModelReference
            {
                ModelName = model,
                Version = 1,
                Status = ModelReference.Ready,
                SampleCount = 100,
                ProfileJson = profile.ToJson(),
                UpdatedAtUtc = DateTime.UtcNow,
            });
            var row = new MonitoringSettingsRecord { ModelName = model, UpdatedBy = "test", UpdatedAtUtc = DateTime.UtcNow };
            settings.CopyTo(row);
            db.MonitoringSettings.Add(row);
            return await db.SaveChangesAsync();
        });
    }

    /// <summary>
    /// Adds rows as the prediction log would and tells the monitor. Row k predicts class k mod 5 (so any 20 consecutive
    /// rows hold 4 of each class) and has every input statistic at ((7k) mod 100)/100, spread over the reference's grid.
    /// </summary>
    private async Task<List<PredictionRecord>> Add(string model, int count, Func<int, double> confidence, bool force = false)
    {
        var rows = new List<PredictionRecord>();
        for (var i = 0; i < count; i++)
        {
            _k++;
            var row = new PredictionRecord
            {
                ModelName = model,
                Version = 1,
                PredictedClass = TaskSpec.Classes[_k % 5],
                Confidence = confidence(_k),
                LatencyMs = 1,
                AtUtc = DateTime.UtcNow,
            };
            row.SetStatistics(Enumerable.Repeat(7 * _k % 100 / 100.0, InputStatistics.Names.Count).ToArray());
            rows.Add(row);
        }
        await _host.QueryDb(async db =>
        {
            db.Predictions.AddRange(rows);
            return await db.SaveChangesAsync();
        });
        await Monitor.AfterFlushAsync(rows, force);
        return rows;
    }

    private Task<List<DriftEvaluation>> Evaluations(string model) =>
        _host.QueryDb(db => db.DriftEvaluations.Where(e => e.ModelName == model).OrderBy(e => e.Id).ToListAsync());

    private Task<List<DriftAlert>> Alerts(string model) =>
        _host.QueryDb(db => db.DriftAlerts.Where(a => a.ModelName == model).OrderBy(a => a.Id).ToListAsync());

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task WindowsSlideOverTheLastNPredictionsAndScoresMatchHandComputedValues(string provider)
    {
        await using var host = _host = await AppHost.StartAsync(provider);
        // A window ends at every 6th prediction and holds the last 20 up to it; fewer than 12 and it is skipped.
        await Setup("windows", new DriftSettings { WindowSize = 20, EvaluateEvery = 6, MinWindow = 12 });
        var rows = new List<PredictionRecord>();

        rows.AddRange(await Add("windows", 8, _ => 0.95));
        Assert.Empty(await Evaluations("windows")); // the window ending at row 6 has only 6 < 12 predictions

        rows.AddRange(await Add("windows", 4, _ => 0.95));
        var first = Assert.Single(await Evaluations("windows"));
        Assert.Equal((12, rows[0].Id, rows[11].Id), (first.WindowCount, first.FirstPredictionId, first.LastPredictionId));
        // Rows 1-12 predict classes 1,2,3,4,0,1,2,3,4,0,1,2: counts (2, 3, 3, 2, 2) against the reference's 20 each.
        Assert.Equal("[2,3,3,2,2]", first.ClassCountsJson);
        // JS((.2,.2,.2,.2,.2), (2,3,3,2,2)/12) = 0.0072992 bits; chi-square homogeneity: columns 22,23,23,22,22 of 112,
        // expected 19.6429/2.3571 and 20.5357/2.4643, statistic 3·(0.006494 + 0.054113) + 2·(0.013975 + 0.116460) = 0.44269,
        // df 4, p = e^{-x/2}(1 + x/2) = 0.97884.
        Assert.Equal(0.0072992, first.ClassJs, 6);
        Assert.Equal(0.44269, first.ClassChi2, 4);
        Assert.Equal(0.97884, first.ClassChi2P, 4);
        // Every confidence 0.95 lands in the last of the 5 reference bins (20% each):
        // PSI = 4·(1e-4 − 0.2)·ln(1e-4/0.2) + (1 − 0.2)·ln(1/0.2) = 4·1.519420 + 1.287550 = 7.365232.
        Assert.Equal(5, first.PsiBins);
        Assert.Equal(7.365232, first.ConfidencePsi, 5);

        rows.AddRange(await Add("windows", 3, _ => 0.95));
        Assert.Single(await Evaluations("windows")); // 15 rows: the next window ends at row 18

        rows.AddRange(await Add("windows", 3, _ => 0.95));
        var second = (await Evaluations("windows"))[1];
        Assert.Equal((18, rows[0].Id, rows[17].Id), (second.WindowCount, second.FirstPredictionId, second.LastPredictionId));

        rows.AddRange(await Add("windows", 8, _ => 0.95));
        var third = (await Evaluations("windows"))[2];
        // 26 rows: the window ends at row 24 and holds the 20 before it, rows 5-24, 4 of each class: JS 0, chi-square p 1.
        Assert.Equal((20, rows[4].Id, rows[23].Id), (third.WindowCount, third.FirstPredictionId, third.LastPredictionId));
        Assert.Equal("[4,4,4,4,4]", third.ClassCountsJson);
        Assert.Equal(0, third.ClassJs, 9);
        Assert.Equal(1, third.ClassChi2P, 9);

        // An explicit flush ends a window at the newest row (26: rows 7-26) and restarts the count there…
        await Monitor.AfterFlushAsync([], force: true);
        var fourth = (await Evaluations("windows"))[3];
        Assert.Equal((20, rows[6].Id, rows[25].Id), (fourth.WindowCount, fourth.FirstPredictionId, fourth.LastPredictionId));
        // …so flushing again with nothing new scores nothing twice.
        await Monitor.AfterFlushAsync([], force: true);
        Assert.Equal(4, (await Evaluations("windows")).Count);

        rows.AddRange(await Add("windows", 6, _ => 0.95));
        var fifth = (await Evaluations("windows"))[4];
        Assert.Equal((20, rows[12].Id, rows[31].Id), (fifth.WindowCount, fifth.FirstPredictionId, fifth.LastPredictionId));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AnAlertIsRaisedOncePerCrossingAndResolvesAfterCleanWindows(string provider)
    {
        await using var host = _host = await AppHost.StartAsync(provider);
        // Windows of the last 20 end at every 10th prediction; an alert resolves after 2 clean windows in a row.
        await Setup("dedup", new DriftSettings { WindowSize = 20, EvaluateEvery = 10, MinWindow = 10, ResolveAfterCleanWindows = 2 });
        // Clean rows put one confidence in each reference bin in turn: any 10 consecutive ones are 20% per bin (PSI 0).
        double Clean(int k) => 0.55 + 0.1 * (k % 5);

        await Add("dedup", 10, _ => 0.95); // rows 1-10
        var alert = Assert.Single(await Alerts("dedup"));
        Assert.Equal((DriftMetrics.ConfidencePsi, DriftAlert.Open, 1), (alert.Metric, alert.Status, alert.Occurrences));
        Assert.Equal(7.365232, alert.Value, 5);
        Assert.Equal(0.25, alert.Threshold);

        await Add("dedup", 20, _ => 0.95); // rows 11-30: windows at 20 and 30 cross again
        alert = Assert.Single(await Alerts("dedup")); // de-duplicated: still one alert, seen three times
        Assert.Equal(3, alert.Occurrences);

        // Rows 31-40 clean; the window 21-40 is half bad: bins (2, 2, 2, 2, 12)/20,
        // PSI = 4·(0.1 − 0.2)·ln(0.5) + (0.6 − 0.2)·ln 3 = 0.277259 + 0.439445 = 0.716704.
        await Add("dedup", 10, Clean);
        Assert.Equal(0.716704, (await Evaluations("dedup"))[^1].ConfidencePsi, 5);
        alert = Assert.Single(await Alerts("dedup"));
        Assert.Equal(4, alert.Occurrences);

        await Add("dedup", 10, Clean); // window 31-50, all clean
        Assert.Equal(0, (await Evaluations("dedup"))[^1].ConfidencePsi, 9);
        alert = Assert.Single(await Alerts("dedup"));
        Assert.Equal((DriftAlert.Open, 1), (alert.Status, alert.CleanStreak));

        await Add("dedup", 10, Clean); // window 41-60: the second clean window in a row
        alert = Assert.Single(await Alerts("dedup"));
        Assert.Equal(DriftAlert.Resolved, alert.Status);
        Assert.NotNull(alert.ResolvedAtUtc);

        // A new crossing after resolution is a new alert (window 51-70: half bad again).
        await Add("dedup", 20, _ => 0.95);
        var alerts = await Alerts("dedup");
        Assert.Equal(2, alerts.Count);
        Assert.Equal((DriftAlert.Resolved, DriftAlert.Open, 2), (alerts[0].Status, alerts[1].Status, alerts[1].Occurrences));
        // Only the confidence moved: no class or input alert was ever raised.
        Assert.All(alerts, a => Assert.Equal(DriftMetrics.ConfidencePsi, a.Metric));
    }
}
