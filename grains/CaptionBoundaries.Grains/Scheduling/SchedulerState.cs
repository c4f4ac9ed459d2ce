using CaptionBoundaries.Grains.Abstractions;
namespace CaptionBoundaries.Grains.Scheduling;

public sealed record SchedulerState
{
    /// <summary>Every slot of a live node, in registration order (the order free slots are handed out).</summary>
    public List<string> Slots { get; set; } = [];

    /// <summary>Experiments waiting for a slot, oldest first.</summary>
    public List<Guid> Queue { get; set; } = [];

    /// <summary>Slot key -> the experiment running on it.</summary>
    public Dictionary<string, Guid> Leases { get; set; } = [];

    /// <summary>Slot key -> when its current lease began (what the owner is charged for when it ends).</summary>
    public Dictionary<string, DateTime> LeasedAtUtc { get; set; } = [];

    /// <summary>Owner of every queued or running experiment.</summary>
    public Dictionary<Guid, string> Owners { get; set; } = [];

    /// <summary>Quotas set at run time (they win over configuration).</summary>
    public Dictionary<string, int> QuotaOverrides { get; set; } = [];

    /// <summary>Node name -> its current incarnation and slots (lost nodes stay listed, marked lost).</summary>
    public Dictionary<string, NodeRecord> Nodes { get; set; } = [];

    /// <summary>Each user's decayed slot-seconds of finished leases.</summary>
    public Dictionary<string, UsageEntry> Usage { get; set; } = [];
}
