using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Grains.Abstractions;
namespace CaptionBoundaries.Grains.Sweeps;

public sealed record SweepGrainState
{
    /// <summary>The definition as written (null until started); parsed again on each activation.</summary>
    public string? Definition { get; set; }

    public RunSpec? BaseSpec { get; set; }
    public SweepPhase Phase { get; set; }
    public List<TrialState> Trials { get; set; } = [];
}

public sealed record TrialState
{
    public int Number { get; set; }
    public Guid ExperimentId { get; set; }

    /// <summary>As text: JSON would not give back the boxed types the sampler produced (see ParameterText).</summary>
    public Dictionary<string, string> Parameters { get; set; } = [];

    public TrialStatus Status { get; set; }

    /// <summary>The swept metric after each epoch, kept so a new activation can rebuild the early-termination scheduler.</summary>
    public List<TrialStep> Steps { get; set; } = [];

    public int EpochsDone { get; set; }
    public double? Metric { get; set; }
    public string? Reason { get; set; }
    public bool StopRequested { get; set; }

    public bool InFlight => Status is TrialStatus.Queued or TrialStatus.Running;
}

public sealed record TrialStep(int Epoch, double Value);
