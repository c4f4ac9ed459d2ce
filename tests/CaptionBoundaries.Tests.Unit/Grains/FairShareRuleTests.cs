using CaptionBoundaries.Grains.Scheduling;
using Microsoft.Extensions.Configuration;

namespace CaptionBoundaries.Tests.Grains;

/// <summary>The fair-share pick and the usage ledger on their own, with chosen numbers.</summary>
public sealed class FairShareRuleTests
{
    private static readonly Guid A1 = Guid.NewGuid(), A2 = Guid.NewGuid(), B1 = Guid.NewGuid(), C1 = Guid.NewGuid();

    private static readonly Dictionary<Guid, string> Owners = new() { [A1] = "alice", [A2] = "alice", [B1] = "bob", [C1] = "carol" };

    private static Guid? Next(Guid[] queue, Dictionary<string, int>? running = null, Dictionary<string, double>? usage = null,
        Dictionary<string, int>? quota = null) =>
        FairShare.Next(queue, id => Owners[id], u => running?.GetValueOrDefault(u) ?? 0, u => usage?.GetValueOrDefault(u) ?? 0,
            u => quota?.GetValueOrDefault(u, 2) ?? 2);

    [Fact]
    public void With_nothing_to_tell_users_apart_the_queue_is_first_in_first_out()
    {
        Assert.Equal(A1, Next([A1, B1, A2]));
        Assert.Equal(B1, Next([B1, A1, A2]));
    }

    [Fact]
    public void A_user_at_quota_is_skipped_and_does_not_block_the_runs_behind()
    {
        Assert.Equal(B1, Next([A1, A2, B1], running: new() { ["alice"] = 1 }, quota: new() { ["alice"] = 1 }));
        Assert.Null(Next([A1, A2], running: new() { ["alice"] = 1 }, quota: new() { ["alice"] = 1 }));
    }

    [Fact]
    public void Fewer_running_runs_win_then_less_recent_usage_then_the_older_queued_run()
    {
        // Alice has used far more but runs nothing now; bob holds a slot.
        Assert.Equal(A1, Next([A1, B1], running: new() { ["bob"] = 1 }, usage: new() { ["alice"] = 10_000, ["bob"] = 1 }));
        Assert.Equal(B1, Next([A1, B1], usage: new() { ["alice"] = 60, ["bob"] = 5 }));
        Assert.Equal(C1, Next([A1, B1, C1], usage: new() { ["alice"] = 60, ["bob"] = 5 }));
        // Within one user, strictly in queue order even when a later run of hers sits behind someone else's.
        Assert.Equal(A1, Next([A1, B1, A2], usage: new() { ["bob"] = 5 }));
    }

    [Fact]
    public void Usage_halves_every_half_life_and_a_new_lease_adds_to_what_is_left()
    {
        var t0 = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var halfLife = TimeSpan.FromHours(6);
        var entry = new UsageEntry { AsOfUtc = t0 };
        entry.Add(3600, t0, halfLife);

        Assert.Equal(3600, entry.At(t0, halfLife), 6);
        Assert.Equal(1800, entry.At(t0.AddHours(6), halfLife), 6);
        Assert.Equal(225, entry.At(t0.AddHours(24), halfLife), 6);

        entry.Add(100, t0.AddHours(6), halfLife);
        Assert.Equal(1900, entry.At(t0.AddHours(6), halfLife), 6);
        Assert.Equal(950, entry.At(t0.AddHours(12), halfLife), 6);
    }

    [Fact]
    public void Scheduling_settings_are_read_with_user_quotas_and_a_bad_quota_names_its_key()
    {
        var options = SchedulingOptions.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Scheduling:DefaultUserSlotQuota"] = "2",
            ["Scheduling:UserQuotas:alice"] = "1",
            ["Scheduling:UsageHalfLife"] = "01:30:00",
        }).Build());
        Assert.Equal(2, options.DefaultUserSlotQuota);
        Assert.Equal(1, options.UserQuotas["Alice"]);
        Assert.Equal(TimeSpan.FromMinutes(90), options.UsageHalfLife);

        var defaults = SchedulingOptions.From(new ConfigurationBuilder().Build());
        Assert.Null(defaults.DefaultUserSlotQuota);
        Assert.Equal(TimeSpan.FromHours(6), defaults.UsageHalfLife);

        var error = Assert.Throws<InvalidOperationException>(() => SchedulingOptions.From(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Scheduling:UserQuotas:bob"] = "0" }).Build()));
        Assert.Contains("Scheduling:UserQuotas:bob", error.Message);
    }
}
