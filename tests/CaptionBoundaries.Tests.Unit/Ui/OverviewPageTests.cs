using Bunit;
using CaptionBoundaries.Application.Features.Cluster;
using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
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

    [Fact]
    public void The_overview_lists_every_node_with_its_status_slots_running_runs_and_when_a_lost_node_was_lost()
    {
        var onA = Guid.NewGuid();
        var lostAt = new DateTime(2026, 11, 24, 12, 0, 5, DateTimeKind.Utc);
        _ctx.Sender
            .On<GetHealthQuery, HealthReport>(_ => new HealthReport("Healthy", true, 1, 0, 1, 1, 0, []))
            .On<ListExperimentsQuery, IReadOnlyList<ExperimentSummary>>(_ => [])
            .On<GetSlotsQuery, SchedulerSnapshot>(_ => new SchedulerSnapshot([], []))
            .On<GetClusterNodesQuery, IReadOnlyList<ClusterNodeView>>(_ =>
            [
                new ClusterNodeView("node-a", "S127.0.0.1:11111:1", "active", lostAt.AddMinutes(-5), null, lostAt, 2, [onA]),
                new ClusterNodeView("node-b", "S127.0.0.1:11112:1", "lost", lostAt.AddMinutes(-5), lostAt, null, 1, []),
            ]);

        var page = _ctx.Render<OverviewPage>();

        var rows = page.FindAll("#nodes tbody tr").Select(r => r.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList()).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(["node-a", "active", "1 / 2 busy", onA.ToString("N")[..8]], rows[0].Take(4));
        Assert.Equal(["node-b", "lost", "0 / 1 busy", ""], rows[1].Take(4));
        Assert.Equal("2026-11-24 12:00:05Z", rows[1][6]);
        Assert.Contains("1 active of 2", page.Markup);
    }

    public void Dispose() => _ctx.Dispose();
}
