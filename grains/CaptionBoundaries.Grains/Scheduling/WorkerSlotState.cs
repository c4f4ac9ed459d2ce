using CaptionBoundaries.Grains.Abstractions;
namespace CaptionBoundaries.Grains.Scheduling;

public sealed record WorkerSlotState
{
    public Guid? ExperimentId { get; set; }
    public DateTime? LeasedAtUtc { get; set; }
}
