using CaptionBoundaries.Domain.Tracking;
namespace CaptionBoundaries.Infrastructure.Tracking;

/// <summary>Metrics of one finished epoch.</summary>
public sealed class EpochMetric
{
    public long Id { get; set; }
    public Guid ExperimentId { get; set; }
    public int Epoch { get; set; }
    public double TrainLoss { get; set; }
    public double ValLoss { get; set; }
    public double ValAccuracy { get; set; }
    public double ValMacroF1 { get; set; }

    /// <summary>JSON object class name -> F1, in task class order.</summary>
    public required string PerClassF1Json { get; set; }

    /// <summary>JSON array of rows (true class) of counts per predicted class.</summary>
    public required string ConfusionMatrixJson { get; set; }

    public double DurationSeconds { get; set; }
    public DateTime RecordedAtUtc { get; set; }
}
