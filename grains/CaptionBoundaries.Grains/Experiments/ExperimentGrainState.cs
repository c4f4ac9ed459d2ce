using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Grains.Abstractions;
namespace CaptionBoundaries.Grains.Experiments;

public sealed record ExperimentGrainState
{
    /// <summary>Null until submitted.</summary>
    public RunSpec? Spec { get; set; }

    public ExperimentStatus Phase { get; set; }
    public string? Slot { get; set; }
    public string? Device { get; set; }

    /// <summary>Id of the current start on a slot (empty when not running): the slot reports under it.</summary>
    public Guid RunId { get; set; }

    /// <summary>Set when a cancel or pre-emption asked the current run to stop; answered to the slot at each epoch.</summary>
    public bool StopRequested { get; set; }

    /// <summary>The pre-emption waiting for the run to stop (its ending then requeues instead of finishing the run).</summary>
    public PreemptionRecord? PendingPreemption { get; set; }
    public int EpochsDone { get; set; }
    public double? BestValMacroF1 { get; set; }
    public string? BestCheckpoint { get; set; }
    public string? FailureReason { get; set; }
    public DateTime QueuedAtUtc { get; set; }
    public DateTime? StartedAtUtc { get; set; }
    public DateTime? FinishedAtUtc { get; set; }

    /// <summary>Every pre-emption, oldest first.</summary>
    public List<PreemptionRecord> Preemptions { get; set; } = [];
}
