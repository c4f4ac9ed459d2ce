namespace CaptionBoundaries.Grains.Scheduling;

public sealed record SchedulerState
{
    /// <summary>Every slot any silo registered, in registration order (the order free slots are handed out).</summary>
    public List<string> Slots { get; set; } = [];

    /// <summary>Experiments waiting for a slot, oldest first.</summary>
    public List<Guid> Queue { get; set; } = [];

    /// <summary>Slot key -> the experiment running on it.</summary>
    public Dictionary<string, Guid> Leases { get; set; } = [];
}
