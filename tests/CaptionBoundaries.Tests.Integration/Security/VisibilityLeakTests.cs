using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CaptionBoundaries.Domain.Monitoring;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Monitoring;
using CaptionBoundaries.Infrastructure.Tracking;
using CaptionBoundaries.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Security;

/// <summary>
/// Findings 4 and 11 of issue 15: anonymous health listed private models with their SHA-256; slots, nodes, dataset
/// lineage and alerts showed other accounts' private runs and models; any researcher could change another owner's
/// monitoring (thresholds, reference, acknowledging alerts).
/// </summary>
[Collection(AccessControlCollection.Name)]
public sealed class VisibilityLeakTests(AccessControlFixture fx)
{
    private string Dataset => ApiRuns.Dataset(fx.Factory.DataFolder, "visibility");

    /// <summary>Bob's private model (one version, switched on) trained by his private run.</summary>
    private async Task<(string Run, string Sha)> BobsPrivateModelAsync(string model)
    {
        using var bob = fx.Factory.CreateClient(fx.BobToken);
        var run = await ApiRuns.StartAsync(bob, Dataset, model + "-run", isPrivate: true);
        Assert.Equal("Completed", await ApiRuns.WaitFinishedAsync(bob, run));
        var version = await ApiJson.Expect(await bob.PostAsJsonAsync($"/api/models/{model}/versions", new { experiment_id = run }), HttpStatusCode.Created);
        await ApiJson.Expect(await bob.PutAsJsonAsync($"/api/models/{model}/visibility", new { @private = true }), HttpStatusCode.OK);
        await ApiJson.Expect(await bob.PostAsJsonAsync($"/api/models/{model}/switch", new { version = 1 }), HttpStatusCode.OK);
        return (run, version.GetProperty("sha256").GetString()!);
    }

    [Fact]
    public async Task Anonymous_health_is_status_only_and_accounts_see_only_models_they_may_see()
    {
        var (_, sha) = await BobsPrivateModelAsync("vis-health");
        using var anonymous = fx.Factory.CreateClient(token: null);
        using var carol = fx.Factory.CreateClient(fx.CarolToken);
        using var bob = fx.Factory.CreateClient(fx.BobToken);

        var open = await anonymous.GetAsync("/api/health");
        var text = await open.Content.ReadAsStringAsync();
        Assert.True(open.IsSuccessStatusCode, text);
        var names = JsonDocument.Parse(text).RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["status", "database_reachable"], names);

        var carols = await carol.GetStringAsync("/api/health");
        Assert.DoesNotContain("vis-health", carols);
        Assert.DoesNotContain(sha, carols);
        Assert.Contains(sha, await bob.GetStringAsync("/api/health"));
    }

    [Fact]
    public async Task Slots_and_nodes_show_another_accounts_private_run_as_a_busy_slot_without_its_id()
    {
        using var bob = fx.Factory.CreateClient(fx.BobToken);
        using var carol = fx.Factory.CreateClient(fx.CarolToken);
        var run = await ApiRuns.StartAsync(bob, Dataset, "vis-long-private", isPrivate: true, epochs: 500);
        try
        {
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while ((await ApiJson.Expect(await bob.GetAsync($"/api/experiments/{run}"), HttpStatusCode.OK)).GetProperty("phase").GetString() != "Running")
            {
                Assert.True(DateTime.UtcNow < deadline, "the private run never started");
                await Task.Delay(100);
            }
            var carolsSlots = await carol.GetStringAsync("/api/slots");
            var carolsNodes = await carol.GetStringAsync("/api/cluster/nodes");
            Assert.DoesNotContain(run, carolsSlots);
            Assert.DoesNotContain(run, carolsNodes);
            // The slot is still shown busy, by a run carol may not name.
            var slots = JsonDocument.Parse(carolsSlots).RootElement.GetProperty("slots").EnumerateArray().ToList();
            Assert.Contains(slots, s => s.GetProperty("experiment_id").ValueKind == JsonValueKind.String
                && s.GetProperty("experiment_id").GetString() == Guid.Empty.ToString());
            Assert.Contains(run, await bob.GetStringAsync("/api/slots"));
            Assert.Contains(run, await fx.Factory.CreateClient().GetStringAsync("/api/slots"));
        }
        finally
        {
            await bob.PostAsync($"/api/experiments/{run}/cancel", null);
            await ApiRuns.WaitFinishedAsync(bob, run);
        }
    }

    [Fact]
    public async Task Dataset_lineage_lists_only_runs_the_caller_may_see()
    {
        var (run, _) = await BobsPrivateModelAsync("vis-lineage");
        using var admin = fx.Factory.CreateClient();
        using var carol = fx.Factory.CreateClient(fx.CarolToken);
        await ApiJson.Expect(await admin.PostAsJsonAsync("/api/datasets/vis-ds/versions", new { folder = Dataset }), HttpStatusCode.Created);
        Assert.Contains(run, await admin.GetStringAsync("/api/datasets/vis-ds/versions/1/lineage"));
        Assert.DoesNotContain(run, await carol.GetStringAsync("/api/datasets/vis-ds/versions/1/lineage"));
    }

    [Fact]
    public async Task Alerts_and_monitoring_of_a_model_are_seen_by_who_may_see_it_and_changed_by_its_owner_or_an_admin()
    {
        await BobsPrivateModelAsync("vis-monitor");
        using var bob = fx.Factory.CreateClient(fx.BobToken);
        using var carol = fx.Factory.CreateClient(fx.CarolToken);
        using var admin = fx.Factory.CreateClient();
        long alertId;
        using (var scope = fx.Factory.Services.CreateScope())
        {
            // An alert as the drift monitor writes one (raising a real one takes hundreds of predictions; the monitor's own tests do that).
            var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
            var alert = new DriftAlert
            {
                ModelName = "vis-monitor",
                Version = 1,
                Metric = "confidence_psi",
                Status = DriftAlert.Open,
                Value = 0.9,
                Threshold = 0.2,
                Message = "confidence drifted",
                OpenedAtUtc = DateTime.UtcNow,
                LastSeenAtUtc = DateTime.UtcNow,
                Occurrences = 1,
            };
            db.DriftAlerts.Add(alert);
            await db.SaveChangesAsync();
            alertId = alert.Id;
        }

        Assert.DoesNotContain("vis-monitor", await carol.GetStringAsync("/api/monitoring/alerts"));
        Assert.Contains("vis-monitor", await bob.GetStringAsync("/api/monitoring/alerts"));
        Assert.Equal(HttpStatusCode.NotFound, (await carol.PostAsync($"/api/monitoring/alerts/{alertId}/acknowledge", null)).StatusCode);

        // Shared again: carol now sees it, but it is still bob's to change.
        await ApiJson.Expect(await bob.PutAsJsonAsync("/api/models/vis-monitor/visibility", new { @private = false }), HttpStatusCode.OK);
        Assert.Contains("vis-monitor", await carol.GetStringAsync("/api/monitoring/alerts"));
        var before = await fx.StateFingerprintAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.PostAsync($"/api/monitoring/alerts/{alertId}/acknowledge", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.PutAsJsonAsync("/api/monitoring/models/vis-monitor/settings", new { psi_threshold = 5.0 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.PostAsJsonAsync("/api/monitoring/models/vis-monitor/versions/1/reference", new { })).StatusCode);
        var settings = await ApiJson.Expect(await carol.GetAsync("/api/monitoring/models/vis-monitor/settings"), HttpStatusCode.OK);
        Assert.NotEqual(5.0, settings.GetProperty("settings").GetProperty("psi_threshold").GetDouble());
        Assert.Equal(before, await fx.StateFingerprintAsync());

        var acknowledged = await ApiJson.Expect(await bob.PostAsync($"/api/monitoring/alerts/{alertId}/acknowledge", null), HttpStatusCode.OK);
        Assert.Equal("bob", acknowledged.GetProperty("acknowledged_by").GetString());
        await ApiJson.Expect(await admin.PutAsJsonAsync("/api/monitoring/models/vis-monitor/settings", new { psi_threshold = 0.5 }), HttpStatusCode.OK);
    }
}
