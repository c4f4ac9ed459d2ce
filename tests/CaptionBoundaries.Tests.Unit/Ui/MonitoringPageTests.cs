using Bunit;
using CaptionBoundaries.Application.Features.Monitoring;
using CaptionBoundaries.Domain.Monitoring;
using CaptionBoundaries.Infrastructure.Monitoring;
using CaptionBoundaries.Ui.Monitoring;
using CaptionBoundaries.Ui.Pages;
using Radzen.Blazor;

namespace CaptionBoundaries.Tests.Ui;

/// <summary>The monitoring page over canned handler answers: its charts, scores against thresholds, alerts and thresholds form.</summary>
public sealed class MonitoringPageTests : IDisposable
{
    private static readonly DateTime At = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);
    private readonly UiTestContext _ctx = new();

    public MonitoringPageTests()
    {
        _ctx.Sender
            .On<GetMonitoringOverviewQuery, IReadOnlyList<MonitoredModelSummary>>(_ =>
            [
                new("captions", 2, 300, At, At, 1, [new ReferenceStatus(2, ModelReference.Ready, null, 100, "/data/train", "val", At)]),
                new("other", null, 0, null, null, 0, []),
            ])
            .On<GetMonitoringDashboardQuery, MonitoringDashboard>(q => Dashboard(q.Model, q.Version ?? 2))
            .On<AcknowledgeAlertCommand, AlertView>(c => Alert(c.Id) with { Status = DriftAlert.Acknowledged, AcknowledgedBy = "ui-tester" })
            .On<UpdateMonitoringSettingsCommand, MonitoringSettingsView>(c => new MonitoringSettingsView(c.Model, true, c.Settings, "ui-tester", At));
    }

    public void Dispose() => _ctx.Dispose();

    private static AlertView Alert(long id) => new(id, "captions", 2, "input_ks:frame1_brightness", DriftAlert.Open, 1e-40, 0.001,
        "input statistic frame1_brightness shifted: KS D = 0.99", At, At.AddMinutes(1), null, 3, null);

    private static MonitoringDashboard Dashboard(string model, int version)
    {
        var settings = new DriftSettings();
        EvaluationPoint Point(long id, double psi, double js, double[] classes, params string[] breaches) =>
            new(id, At.AddMinutes(id), 200, psi, js, 0.5, 0.2, "ocr_ink", classes, breaches, 0.9, 3);
        return new MonitoringDashboard(model, version, 2, [1, 2],
            new ReferenceView(model, version, ModelReference.Ready, null, "/data/train", "abc", "val", 100, 0.98, [20, 20, 20, 20, 20],
                [0, 0, 0, 0, 1, 2, 3, 4, 10, 80], new Dictionary<string, double> { ["ocr_ink"] = 0.09 }, At),
            new MonitoringSettingsView(model, false, settings, null, null),
            300, 200,
            [0, 0, 0, 0, 0.01, 0.02, 0.03, 0.04, 0.1, 0.8],
            [0, 0, 0, 0.1, 0.2, 0.2, 0.2, 0.1, 0.1, 0.1],
            [0.2, 0.2, 0.2, 0.2, 0.2],
            [0.1, 0.1, 0.6, 0.1, 0.1],
            [Point(1, 0.05, 0.01, [0.2, 0.2, 0.2, 0.2, 0.2]), Point(2, 0.4, 0.2, [0.1, 0.1, 0.6, 0.1, 0.1], "confidence_psi", "class_js")],
            [new InputDrift("frame1_brightness", "mean pixel value of frame1 (0-1)", 0.48, 0.8, 0.99, 1e-40), new InputDrift("ocr_ink", "ink", 0.09, 0.088, 0.1, 0.6)],
            [Alert(7)],
            new PredictionLogStatistics(true, 300, 300, 0, 4, 0, At, null));
    }

    [Fact]
    public void RendersTheChartsScoresAndAnAlert()
    {
        var page = _ctx.Render<MonitoringPage>();

        Assert.Equal("captions", _ctx.Sender.SentOf<GetMonitoringDashboardQuery>().First().Model);

        // Confidence histogram: reference and latest window side by side over the 10 bins.
        var histogram = page.FindComponent<ConfidenceHistogramChart>();
        var bars = histogram.FindComponents<RadzenColumnSeries<ConfidenceHistogramChart.Bar>>();
        Assert.Equal(2, bars.Count);
        var data = bars[0].Instance.Data!.ToList();
        Assert.Equal(10, data.Count);
        Assert.Equal(("0.9-1.0", 0.8, 0.1), (data[9].Bin, data[9].Reference, data[9].Window));
        Assert.NotEmpty(histogram.FindAll("svg"));

        // Class distribution over time: one line per class, one point per evaluated window.
        var classes = page.FindComponent<ClassDriftChart>().FindComponents<RadzenLineSeries<ClassDriftChart.Point>>();
        Assert.Equal(5, classes.Count);
        Assert.Equal([0.2, 0.6], classes[2].Instance.Data!.Select(p => p.Share));

        // Drift scores with their thresholds, and the latest window's table marks what is over.
        var scores = page.FindComponent<DriftScoresPanel>();
        var lines = scores.FindComponents<RadzenLineSeries<DriftScoresPanel.Score>>();
        Assert.Equal(4, lines.Count);
        Assert.All(lines[1].Instance.Data!, s => Assert.Equal(0.25, s.PsiThreshold));
        var rows = scores.FindAll("[data-table=drift-scores] tbody tr");
        Assert.Contains(rows, r => r.TextContent.Contains("confidence PSI") && r.TextContent.Contains("over") && r.ClassList.Contains("cb-over"));
        Assert.Contains(rows, r => r.TextContent.Contains("KS p: frame1_brightness") && r.ClassList.Contains("cb-over"));
        Assert.Contains(rows, r => r.TextContent.Contains("KS p: ocr_ink") && r.TextContent.Contains("ok"));

        // The alert is listed with its metric, message and how many windows crossed.
        var alert = page.Find("[data-alert='7']");
        Assert.Contains("input_ks:frame1_brightness", alert.TextContent);
        Assert.Contains("KS D = 0.99", alert.TextContent);
        Assert.Equal("1", page.Find("#open-alerts").TextContent);
    }

    [Fact]
    public void AcknowledgingAnAlertAndSavingThresholdsSendTheCommands()
    {
        var page = _ctx.Render<MonitoringPage>();
        page.Find("[data-alert='7'] button").Click();
        var ack = Assert.Single(_ctx.Sender.SentOf<AcknowledgeAlertCommand>());
        Assert.Equal(7L, ack.Id);

        page.Find("#save-thresholds").Click();
        var saved = Assert.Single(_ctx.Sender.SentOf<UpdateMonitoringSettingsCommand>());
        Assert.Equal(("captions", new DriftSettings()), (saved.Model, saved.Settings));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("#thresholds-saved")));
    }

    [Fact]
    public void PickingAnotherModelLoadsItsDashboard()
    {
        var page = _ctx.Render<MonitoringPage>();
        var picker = page.FindComponent<RadzenDropDown<string>>();
        page.InvokeAsync(() => picker.Instance.ValueChanged.InvokeAsync("other"));
        page.WaitForAssertion(() => Assert.Equal("other", _ctx.Sender.SentOf<GetMonitoringDashboardQuery>().Last().Model));
    }
}
