using CaptionBoundaries.Domain.Tracking;
namespace CaptionBoundaries.Infrastructure.Tracking;

/// <summary>One training run and everything needed to reproduce it.</summary>
public sealed class Experiment
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string ArchitectureName { get; set; }

    /// <summary>The effective model config (defaults merged with overrides) as a JSON object of strings.</summary>
    public required string ModelConfigJson { get; set; }

    /// <summary>lr, batch_size, epochs, weight_decay, seed, image size… as a JSON object.</summary>
    public required string HyperparametersJson { get; set; }

    public required string AugmentationName { get; set; }
    public required string EmbedderName { get; set; }
    public required string EmbedderVersion { get; set; }
    public required string DatasetIdentity { get; set; }
    public required string DatasetName { get; set; }
    public required string DatasetPath { get; set; }
    public required string GitCommit { get; set; }
    public required string Device { get; set; }
    public ExperimentStatus Status { get; set; }
    public string? FailureReason { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime? StartedAtUtc { get; set; }
    public DateTime? FinishedAtUtc { get; set; }
    public double? BestValMacroF1 { get; set; }
    public int? BestEpoch { get; set; }

    /// <summary>Parameters of the model as trained (trainable ones after a stage's freeze/unfreeze).</summary>
    public long? TotalParameters { get; set; }
    public long? TrainableParameters { get; set; }

    /// <summary>A multi-stage experiment's plan (JSON list of stages); its stages are child runs.</summary>
    public string? TrainingPlanJson { get; set; }

    /// <summary>Set on a stage's child run: the experiment it belongs to, and its position in the plan (0-based).</summary>
    public Guid? ParentExperimentId { get; set; }
    public int? StageIndex { get; set; }
    public string? StageName { get; set; }

    /// <summary>The account that started the run; private runs are seen by it and by admins only.</summary>
    public string Owner { get; set; } = "local";
    public bool IsPrivate { get; set; }

    /// <summary>"native" (trained here) or "mlflow" (logged from outside through the MLflow REST API).</summary>
    public string Source { get; set; } = NativeSource;

    public const string NativeSource = "native";
    public const string MlflowSource = "mlflow";

    /// <summary>The run group (MLflow experiment) it is filed under; null is the Default group (id 0).</summary>
    public long? RunGroupId { get; set; }

    /// <summary>A free-text note the owner keeps on the run (MLflow's mlflow.note.content tag).</summary>
    public string? Note { get; set; }

    /// <summary>Deleted runs (MLflow's lifecycle stage) are hidden from lists and searches but kept, and can be restored.</summary>
    public DateTime? DeletedAtUtc { get; set; }

    /// <summary>The held-out test split, evaluated once with the best checkpoint; never seen in training or model selection.</summary>
    public double? TestLoss { get; set; }
    public double? TestAccuracy { get; set; }
    public double? TestMacroF1 { get; set; }

    /// <summary>JSON object class name -> F1 on the test split.</summary>
    public string? TestPerClassF1Json { get; set; }

    /// <summary>JSON array of rows (true class) of counts per predicted class, on the test split.</summary>
    public string? TestConfusionMatrixJson { get; set; }

    public List<EpochMetric> Epochs { get; set; } = [];
    public List<CheckpointRecord> Checkpoints { get; set; } = [];
}
