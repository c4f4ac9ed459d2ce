using System.Net;
using System.Net.Http.Json;
using CaptionBoundaries.Application.Features.Monitoring;
using CaptionBoundaries.Domain.Monitoring;
using CaptionBoundaries.Host.Cli;
using CaptionBoundaries.Infrastructure.Monitoring;
using CaptionBoundaries.Tests.Api;
using CaptionBoundaries.Tests.Grains;
using CaptionBoundaries.Tests.Support;
using Xunit.Abstractions;

namespace CaptionBoundaries.Tests.Monitoring;

/// <summary>
/// Drift end to end, as `monitor simulate` runs it: streams replayed through the predict API, logged, windows
/// evaluated against the version's reference. Held-out data from the training distribution raises nothing; each
/// shifted stream raises an alert (stored, listed by the API, sent to the webhook), de-duplicated per metric.
/// </summary>
public sealed class DriftEndToEndTests(MonitoringApiFixture fixture, ITestOutputHelper output) : IClassFixture<MonitoringApiFixture>
{
    private const int Count = 300;

    private async Task<MonitoringDashboard> Replay(string model, string dataset, string shift)
    {
        var simulation = fixture.Simulation();
        var result = await simulation.RunAsync(model, dataset, new SimulationOptions { Shift = shift, Count = Count, Concurrency = 4, Seed = 5 }, null, CancellationToken.None);
        Assert.Equal(0, result.Failed);
        var dashboard = await simulation.FlushAndReadAsync(model, CancellationToken.None);
        output.WriteLine($"{model} ({shift}): predicted {string.Join(" ", result.Predicted.Select(kv => $"{kv.Key}={kv.Value}"))}; {dashboard.Evaluations.Count} windows");
        foreach (var e in dashboard.Evaluations)
            output.WriteLine($"  window {e.WindowCount}: psi {e.ConfidencePsi:0.###} js {e.ClassJs:0.####} chi2 p {e.ClassChi2P:0.###e+0} min ks p {e.MinInputKsP:0.###e+0} ({e.MinInputKsStatistic}) breaches [{string.Join(",", e.Breaches)}]");
        foreach (var a in dashboard.Alerts) output.WriteLine($"  alert {a.Id} {a.Metric} {a.Status} x{a.Occurrences}: {a.Message}");
        Assert.Equal(Count, dashboard.Predictions);
        // Window 200, a new window every 50 predictions from the 100th on: 100, 150, …, 300 → 5 evaluations.
        Assert.Equal(5, dashboard.Evaluations.Count);
        Assert.Equal(200, dashboard.Evaluations[^1].WindowCount);
        return dashboard;
    }

    [Fact]
    public async Task HeldOutDataFromTheTrainingDistributionRaisesNoAlert()
    {
        var reference = await fixture.Serve("held-out");
        output.WriteLine($"reference: {reference.SampleCount} samples, accuracy {reference.Accuracy:P1}, classes {string.Join(",", reference.ClassCounts!)}");
        var dashboard = await Replay("held-out", fixture.HeldOut, StreamShifts.None);
        Assert.Empty(dashboard.Alerts);
        Assert.All(dashboard.Evaluations, e => Assert.Empty(e.Breaches));
        Assert.Equal(InputStatistics.Names.Count, dashboard.Inputs.Count);
    }

    [Theory]
    [InlineData(StreamShifts.Brightness, "input_ks:frame1_brightness")]
    [InlineData(StreamShifts.CaptionFree, "input_ks:ocr_ink")]
    [InlineData(StreamShifts.ClassSkew, "class_js")]
    public async Task EachShiftedStreamRaisesAnAlert(string shift, string expectedMetric)
    {
        var model = $"shift-{shift.Replace('_', '-')}";
        await fixture.Serve(model);
        var dashboard = await Replay(model, fixture.HeldOut, shift);

        Assert.Contains(dashboard.Alerts, a => a.Metric == expectedMetric && a.Status == DriftAlert.Open);
        // De-duplicated: one alert per metric while it is open, however many windows crossed.
        Assert.All(dashboard.Alerts.GroupBy(a => a.Metric), g => Assert.Single(g));
        var repeated = dashboard.Alerts.Single(a => a.Metric == expectedMetric);
        Assert.True(repeated.Occurrences > 1, $"{expectedMetric} crossed in {repeated.Occurrences} window(s)");

        var listed = await MonitoringApiFixture.BenchmarkJson<List<AlertView>>(await fixture.Client.GetAsync($"/api/monitoring/alerts?model={model}&status=open"));
        Assert.Equal(dashboard.Alerts.Count, listed.Count);
        await Eventually.True(() => Task.FromResult(fixture.Webhook.Received.Any(j =>
                j.TryGetProperty("kind", out var kind) && kind.GetString() == DriftAlertNotice.AlertKind
                && j.GetProperty("model").GetString() == model && j.GetProperty("metric").GetString() == expectedMetric)),
            30, () => $"no {expectedMetric} alert of {model} reached the webhook");
        // Deliveries leave from a stored queue, each on its own schedule: wait for all of them, then check one per alert.
        int Delivered() => fixture.Webhook.Received.Count(j => j.TryGetProperty("kind", out var k) && k.GetString() == DriftAlertNotice.AlertKind && j.GetProperty("model").GetString() == model);
        await Eventually.True(() => Task.FromResult(Delivered() >= dashboard.Alerts.Count), 30,
            () => $"{Delivered()} of {dashboard.Alerts.Count} alerts of {model} reached the webhook");
        Assert.Equal(dashboard.Alerts.Count, Delivered());
    }

    [Fact]
    public async Task ThresholdsAreSetPerModelAndValidated()
    {
        await fixture.Serve("settings");
        var bad = await fixture.Client.PutAsJsonAsync("/api/monitoring/models/settings/settings", new { window_size = 5, evaluate_every = 10, min_window = 10 });
        var problem = await ApiJson.Expect(bad, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("window_size", out _), problem.ToString());

        var set = await ApiJson.Expect(await fixture.Client.PutAsJsonAsync("/api/monitoring/models/settings/settings",
            new DriftSettings { WindowSize = 50, EvaluateEvery = 25, MinWindow = 50, PsiThreshold = 0.5 }, ServerApiClient.Json), HttpStatusCode.OK);
        Assert.True(set.GetProperty("custom").GetBoolean());
        Assert.Equal(ApiFactory.AdminName, set.GetProperty("updated_by").GetString());
        var read = await MonitoringApiFixture.BenchmarkJson<MonitoringSettingsView>(await fixture.Client.GetAsync("/api/monitoring/models/settings/settings"));
        Assert.Equal((50, 25, 0.5), (read.Settings.WindowSize, read.Settings.EvaluateEvery, read.Settings.PsiThreshold));

        var simulation = fixture.Simulation();
        await simulation.RunAsync("settings", fixture.HeldOut, new SimulationOptions { Count = 100 }, null, CancellationToken.None);
        var dashboard = await simulation.FlushAndReadAsync("settings", CancellationToken.None);
        // Windows of 50 ending at every 25th prediction, evaluated from the 50th: at 50, 75, 100.
        Assert.Equal([50, 50, 50], dashboard.Evaluations.Select(e => e.WindowCount));
    }
}
