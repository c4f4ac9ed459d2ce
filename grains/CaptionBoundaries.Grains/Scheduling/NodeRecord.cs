using CaptionBoundaries.Grains.Abstractions;
namespace CaptionBoundaries.Grains.Scheduling;

/// <summary>A node as registered with the scheduler: which silo incarnation it is, its slots, when it joined or was lost.</summary>
public sealed record NodeRecord
{
    public string Silo { get; set; } = "";
    public List<string> Slots { get; set; } = [];
    public DateTime JoinedAtUtc { get; set; }

    /// <summary>Set when the cluster declared the silo dead; its slots are then no longer handed out.</summary>
    public DateTime? LostAtUtc { get; set; }
}
