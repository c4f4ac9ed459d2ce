using Bunit;
using CaptionBoundaries.Application.Features.Registry;
using CaptionBoundaries.Application.Features.Serving;
using CaptionBoundaries.Domain.Registry;
using CaptionBoundaries.Domain.Serving;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Ui.Models;
using Radzen.Blazor;

namespace CaptionBoundaries.Tests.Ui;

public sealed class TrafficSplitPanelTests : IDisposable
{
    private static readonly DateTime At = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    private readonly UiTestContext _ctx = new();
    private TrafficSplit? _split;

    public TrafficSplitPanelTests()
    {
        _ctx.Sender.On<GetTrafficSplitQuery, TrafficSplitView>(q => new TrafficSplitView(q.Model, 1, _split, "node-a",
            [
                Figures(1, 800, ServingRoutes("production", 800), 4.0, 9.0, 15.0, new() { ["same"] = 600, ["different"] = 200 }),
                Figures(2, 200, ServingRoutes(_split?.Mode ?? "canary", 200), 5.0, 11.0, 30.0, new() { ["same"] = 100, ["different"] = 100 },
                    compared: _split?.IsShadow == true ? 200 : 0, disagreed: _split?.IsShadow == true ? 50 : 0, dropped: 3),
            ], new Dictionary<string, long>(), At));
    }

    public void Dispose() => _ctx.Dispose();

    private static Dictionary<string, long> ServingRoutes(string route, long n) => new() { [route] = n };

    private static VersionServingFigures Figures(int version, long requests, Dictionary<string, long> routes, double p50, double p95, double p99,
        Dictionary<string, long> classes, long compared = 0, long disagreed = 0, long dropped = 0, long failures = 0) =>
        new(version, requests, requests, routes, failures > 0 ? new Dictionary<string, long> { ["internal"] = failures } : new Dictionary<string, long>(),
            p50, p95, p99, classes, compared, disagreed, dropped, 0);

    private static ModelInfo Model() => new("captioner",
        new[] { 1, 2, 3 }.Select(v => new ModelVersionInfo(v, $"/registry/{v}.pt", $"sha{v}", "tiny_cnn", null, 0.5, At)).ToList(),
        1, new Dictionary<string, int> { ["production"] = 1 }, [1], ArchivedVersions: [3]);

    private IRenderedComponent<TrafficSplitPanel> Render() => _ctx.Render<TrafficSplitPanel>(p => p.Add(c => c.Model, Model()));

    /// <summary>Clicks a control that asks for confirmation, checks the question, and answers it.</summary>
    private void ConfirmedClick(IRenderedComponent<TrafficSplitPanel> panel, IRenderedComponent<RadzenDialog> dialog, string selector, string expectedWords)
    {
        panel.Find(selector).Click();
        dialog.WaitForAssertion(() => Assert.Contains(expectedWords, dialog.Markup));
        dialog.FindAll("button").Single(b => b.TextContent.Contains("Yes, change it")).Click();
    }

    [Fact]
    public void A_canary_shows_both_versions_figures_side_by_side_with_a_latency_chart()
    {
        _split = new TrafficSplit(TrafficSplitModes.Canary, 2, 20, "alice", "try v2", At, At);
        var panel = Render();

        Assert.Contains("Canary of v2 at 20%", panel.Find(".cb-split-state").TextContent);
        Assert.Contains("started by alice", panel.Find(".cb-split-state").TextContent);
        var rows = panel.FindAll("[data-table=split-figures] tbody tr");
        Assert.Equal(["production", "canary"], rows.Select(r => r.GetAttribute("data-role")));
        Assert.Contains("30.0", rows[1].TextContent);   // the canary's p99 next to production's
        Assert.Contains("15.0", rows[0].TextContent);
        Assert.Contains("same 50%", rows[1].TextContent);
        Assert.Contains("node-a", panel.Markup);

        var series = panel.FindComponents<RadzenColumnSeries<TrafficSplitPanel.SplitRow>>();
        Assert.Equal(["p50", "p95", "p99"], series.Select(s => s.Instance.Title));
        Assert.Equal(["v1 (production)", "v2 (canary)"], series[2].Instance.Data!.Select(r => r.Label));
        Assert.Equal([15.0, 30.0], series[2].Instance.Data!.Select(r => r.P99));
        Assert.NotNull(panel.Find(".split-promote"));
        Assert.NotNull(panel.Find(".split-abort"));
        Assert.Empty(panel.FindAll(".split-start"));
    }

    [Fact]
    public void A_shadow_shows_its_disagreement_and_dropped_copies()
    {
        _split = new TrafficSplit(TrafficSplitModes.Shadow, 2, null, "alice", "quietly", At, At);
        var panel = Render();
        var shadow = panel.Find("[data-role=shadow] .split-disagreement").TextContent;
        Assert.Contains("25.0", shadow);
        Assert.Contains("of 200 samples", shadow);
        Assert.Contains("3 copies dropped", shadow);
        Assert.Empty(panel.FindAll(".split-reshare"));
    }

    [Fact]
    public void Starting_a_canary_is_confirmed_and_sends_the_chosen_version_and_share()
    {
        _ctx.Sender.On<SetTrafficSplitCommand, SplitResult>(c =>
        {
            _split = new TrafficSplit(c.Mode, c.Version, c.SharePercent, "ui-tester", c.Reason, At, At);
            return new SplitResult(true, 1, _split, $"started a canary of version {c.Version} at {c.SharePercent}%");
        });
        var dialog = _ctx.Render<RadzenDialog>();
        var panel = Render();
        // Version 3 is archived and version 1 is production: only version 2 is offered.
        Assert.Equal([2], panel.FindComponents<RadzenDropDown<int>>().Single().Instance.Data!.Cast<int>());
        panel.Find("input[name=split-share]").Change("35");
        panel.Find("input[name=split-reason]").Change("a third of traffic");

        ConfirmedClick(panel, dialog, ".split-start", "send 35% of requests to version 2");

        panel.WaitForAssertion(() => Assert.Contains("Started a canary of version 2 at 35%", panel.Find(".split-done").TextContent));
        var sent = Assert.Single(_ctx.Sender.SentOf<SetTrafficSplitCommand>());
        Assert.Equal(new SetTrafficSplitCommand("captioner", "canary", 2, 35, "a third of traffic"), sent);
        Assert.Contains("Canary of v2 at 35%", panel.Find(".cb-split-state").TextContent);
    }

    [Fact]
    public void Promote_and_abort_are_confirmed_and_a_cancelled_confirmation_sends_nothing()
    {
        _split = new TrafficSplit(TrafficSplitModes.Canary, 2, 20, "alice", "try v2", At, At);
        _ctx.Sender.On<PromoteTrafficSplitCommand, SplitResult>(_ => new SplitResult(false, 1, _split, "version 2 failed validation", SplitRefusal.Conflict));
        _ctx.Sender.On<AbortTrafficSplitCommand, SplitResult>(_ =>
        {
            _split = null;
            return new SplitResult(true, 1, null, "the canary of version 2 at 20% has ended");
        });
        var dialog = _ctx.Render<RadzenDialog>();
        var panel = Render();

        panel.Find(".split-abort").Click();
        dialog.WaitForAssertion(() => Assert.Contains("Abort the canary of version 2", dialog.Markup));
        dialog.FindAll("button").Single(b => b.TextContent.Contains("Cancel")).Click();
        Assert.Empty(_ctx.Sender.SentOf<AbortTrafficSplitCommand>());

        ConfirmedClick(panel, dialog, ".split-promote", "Promote version 2 of 'captioner' to production");
        panel.WaitForAssertion(() => Assert.Contains("Refused: version 2 failed validation", panel.Find(".split-refused").TextContent));

        ConfirmedClick(panel, dialog, ".split-abort", "Production version 1 answers every request again");
        panel.WaitForAssertion(() => Assert.Contains("No canary or shadow is running", panel.Find(".cb-split-state").TextContent));
        Assert.Single(_ctx.Sender.SentOf<AbortTrafficSplitCommand>());
        Assert.NotNull(panel.Find(".split-start"));
    }

    [Fact]
    public void A_viewer_sees_the_figures_but_no_controls()
    {
        _split = new TrafficSplit(TrafficSplitModes.Canary, 2, 20, "alice", "try v2", At, At);
        _ctx.AddAuthorization().SetAuthorized("vera").SetRoles(CaptionBoundaries.Domain.Security.Roles.Viewer);
        var panel = Render();
        Assert.Equal(2, panel.FindAll("[data-table=split-figures] tbody tr").Count);
        Assert.Empty(panel.FindAll(".split-promote"));
        Assert.Empty(panel.FindAll(".split-abort"));
        Assert.Contains("needs the researcher role", panel.Markup);
    }
}
