namespace CaptionBoundaries.Domain.Monitoring;

/// <summary>One served prediction: which version answered what, how sure, how fast, and a summary of its inputs.</summary>
public sealed class PredictionRecord
{
    public long Id { get; set; }
    public required string ModelName { get; set; }
    public int Version { get; set; }
    public required string PredictedClass { get; set; }
    public double Confidence { get; set; }

    /// <summary>From the predictor's receiving the request to its answer (version lookup, image loading, batching, forward pass).</summary>
    public double LatencyMs { get; set; }

    public DateTime AtUtc { get; set; }

    // The input statistics (see InputStatistics.Names), one column each so they can be queried.
    public double Frame1Brightness { get; set; }
    public double Frame1Contrast { get; set; }
    public double Frame2Brightness { get; set; }
    public double Frame2Contrast { get; set; }
    public double FrameDifference { get; set; }
    public double OcrInk { get; set; }
    public double CaptionBandContrast { get; set; }
    public double SpatialMean { get; set; }

    public double[] Statistics() =>
        [Frame1Brightness, Frame1Contrast, Frame2Brightness, Frame2Contrast, FrameDifference, OcrInk, CaptionBandContrast, SpatialMean];

    public void SetStatistics(IReadOnlyList<double> s)
    {
        if (s.Count != InputStatistics.Names.Count) throw new ArgumentException($"Expected {InputStatistics.Names.Count} input statistics, got {s.Count}.");
        (Frame1Brightness, Frame1Contrast, Frame2Brightness, Frame2Contrast) = (s[0], s[1], s[2], s[3]);
        (FrameDifference, OcrInk, CaptionBandContrast, SpatialMean) = (s[4], s[5], s[6], s[7]);
    }
}

/// <summary>A version's reference distributions (computed from its validation split when it is registered).</summary>
public sealed class ModelReference
{
    public const string Pending = "pending";
    public const string Ready = "ready";
    public const string Failed = "failed";

    /// <summary>No dataset is known for the version (e.g. an uploaded checkpoint): give one through the API.</summary>
    public const string Missing = "missing";

    public long Id { get; set; }
    public required string ModelName { get; set; }
    public int Version { get; set; }
    public required string Status { get; set; }

    /// <summary>Why it failed or is missing, or a note (e.g. the dataset folder no longer matches the training data's identity).</summary>
    public string? Note { get; set; }

    public string? DatasetFolder { get; set; }
    public string? DatasetIdentity { get; set; }
    public string? Split { get; set; }
    public int SampleCount { get; set; }

    /// <summary>The <see cref="ReferenceProfile"/> as JSON once ready.</summary>
    public string? ProfileJson { get; set; }

    public DateTime UpdatedAtUtc { get; set; }
}

/// <summary>The drift scores of one window of one version's predictions.</summary>
public sealed class DriftEvaluation
{
    public long Id { get; set; }
    public required string ModelName { get; set; }
    public int Version { get; set; }
    public DateTime AtUtc { get; set; }

    /// <summary>Predictions in the window, and the ids of its first and last.</summary>
    public int WindowCount { get; set; }
    public long FirstPredictionId { get; set; }
    public long LastPredictionId { get; set; }

    public double ConfidencePsi { get; set; }
    public int PsiBins { get; set; }
    public double ClassJs { get; set; }
    public double ClassChi2 { get; set; }
    public double ClassChi2P { get; set; }

    /// <summary>Predicted-class counts of the window, in TaskSpec.Classes order, as JSON.</summary>
    public required string ClassCountsJson { get; set; }

    /// <summary>Per input statistic: KS D and p-value, as JSON {name: {d, p}}.</summary>
    public required string InputKsJson { get; set; }

    /// <summary>Metrics over their thresholds in this window (comma-separated), empty when none.</summary>
    public required string Breaches { get; set; }

    public double MeanConfidence { get; set; }
    public double MeanLatencyMs { get; set; }
}

/// <summary>
/// A threshold crossing. At most one is open per (model, version, metric): while it is open, further crossing
/// windows only raise its <see cref="Occurrences"/>; it resolves after enough clean windows in a row.
/// </summary>
public sealed class DriftAlert
{
    public const string Open = "open";
    public const string Acknowledged = "acknowledged";
    public const string Resolved = "resolved";

    public long Id { get; set; }
    public required string ModelName { get; set; }
    public int Version { get; set; }
    public required string Metric { get; set; }
    public required string Status { get; set; }
    public double Value { get; set; }
    public double Threshold { get; set; }
    public required string Message { get; set; }
    public DateTime OpenedAtUtc { get; set; }
    public DateTime LastSeenAtUtc { get; set; }
    public DateTime? ResolvedAtUtc { get; set; }
    public string? AcknowledgedBy { get; set; }

    /// <summary>Crossing windows seen while this alert was open (the first included).</summary>
    public int Occurrences { get; set; }

    /// <summary>Clean windows in a row since the last crossing.</summary>
    public int CleanStreak { get; set; }

    public long EvaluationId { get; set; }
}

/// <summary>A model's monitoring settings; a model without a row uses the configured defaults.</summary>
public sealed class MonitoringSettingsRecord
{
    public required string ModelName { get; set; }
    public int WindowSize { get; set; }
    public int EvaluateEvery { get; set; }
    public int MinWindow { get; set; }
    public int PsiBins { get; set; }
    public double PsiThreshold { get; set; }
    public double ClassJsThreshold { get; set; }
    public double ClassChi2Alpha { get; set; }
    public double InputKsAlpha { get; set; }
    public int ResolveAfterCleanWindows { get; set; }
    public required string UpdatedBy { get; set; }
    public DateTime UpdatedAtUtc { get; set; }
}
