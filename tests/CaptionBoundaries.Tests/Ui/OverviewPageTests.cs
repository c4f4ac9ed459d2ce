using Bunit;
using CaptionBoundaries.Application.Features.Cluster;
using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Grains;
using OverviewPage = CaptionBoundaries.Ui.Pages.Overview;

namespace CaptionBoundaries.Tests.Ui;

public sealed class OverviewPageTests : IDisposable
{
    private readonly UiTestContext _ctx = new();

    [Fact]
    public void The_overview_shows_each_users_running_runs_quota_and_recent_usage_and_the_queue_with_owners()
    {
        var running = Guid.NewGuid();
        var queued = Guid.NewGuid();
        _ctx.Sender
            .On<GetHealthQuery, HealthReport>(_ => new HealthReport("Healthy", true, 1, 0, 2, 1, 1, []))
            .On<ListExperimentsQuery, IReadOnlyList<ExperimentSummary>>(_ => [])
            .On<GetSlotsQuery, SchedulerSnapshot>(_ => new SchedulerSnapshot(
                [new SlotInfo("node-a/cpu:0", "cpu", running, DateTime.UtcNow), new SlotInfo("node-a/cpu:1", "cpu", null, null)], [queued])
            {
                QueuedRuns = [new QueuedRun(queued, "alice")],
                Users = [new UserShare("alice", 1, 1, 1, "override", 7_200), new UserShare("bob", 0, 0, 2, "default", 90)],
            });

        var page = _ctx.Render<OverviewPage>();

        var rows = page.FindAll("#user-shares tbody tr").Select(r => r.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList()).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(["alice", "1", "1", "1 (override)", "2 slot-h"], rows[0]);
        Assert.Equal(["bob", "0", "0", "2 (default)", "1.5 slot-min"], rows[1]);
        Assert.Contains("alice", page.Find("#queue li").TextContent);
    }

    public void Dispose() => _ctx.Dispose();
}
