using CaptionBoundaries.Domain.Monitoring;
using CaptionBoundaries.Infrastructure.Monitoring;

namespace CaptionBoundaries.Application.Features.Monitoring;

/// <summary>One model on the monitoring overview.</summary>
public sealed record MonitoredModelSummary(
    string Model,
    int? ActiveVersion,
    long Predictions,
    DateTime? LastPredictionUtc,
    DateTime? LastEvaluationUtc,
    int OpenAlerts,
    IReadOnlyList<ReferenceStatus> References);

public sealed record ReferenceStatus(int Version, string Status, string? Note, int SampleCount, string? DatasetFolder, string? Split, DateTime UpdatedAtUtc);

/// <summary>A version's reference, with its distributions summarised for display.</summary>
public sealed record ReferenceView(
    string Model,
    int Version,
    string Status,
    string? Note,
    string? DatasetFolder,
    string? DatasetIdentity,
    string? Split,
    int SampleCount,
    double? Accuracy,
    IReadOnlyList<int>? ClassCounts,
    IReadOnlyList<int>? ConfidenceHistogram,
    IReadOnlyDictionary<string, double>? InputMeans,
    DateTime UpdatedAtUtc);

public sealed record AlertView(
    long Id,
    string Model,
    int Version,
    string Metric,
    string Status,
    double Value,
    double Threshold,
    string Message,
    DateTime OpenedAtUtc,
    DateTime LastSeenAtUtc,
    DateTime? ResolvedAtUtc,
    int Occurrences,
    string? AcknowledgedBy)
{
    public static AlertView From(DriftAlert a) => new(a.Id, a.ModelName, a.Version, a.Metric, a.Status, a.Value, a.Threshold, a.Message,
        a.OpenedAtUtc, a.LastSeenAtUtc, a.ResolvedAtUtc, a.Occurrences, a.AcknowledgedBy);
}

/// <summary>A model's effective settings; <see cref="Custom"/> is false when they are the configured defaults.</summary>
public sealed record MonitoringSettingsView(string Model, bool Custom, DriftSettings Settings, string? UpdatedBy, DateTime? UpdatedAtUtc);

/// <summary>The scores of one evaluated window, for the history charts.</summary>
public sealed record EvaluationPoint(
    long Id,
    DateTime AtUtc,
    int WindowCount,
    double ConfidencePsi,
    double ClassJs,
    double ClassChi2P,
    double MinInputKsP,
    string? MinInputKsStatistic,
    IReadOnlyList<double> ClassProportions,
    IReadOnlyList<string> Breaches,
    double MeanConfidence,
    double MeanLatencyMs);

/// <summary>One input statistic in the latest window against the reference.</summary>
public sealed record InputDrift(string Statistic, string Description, double ReferenceMean, double WindowMean, double D, double P);

/// <summary>Everything the console's monitoring page shows for one model version.</summary>
public sealed record MonitoringDashboard(
    string Model,
    int? Version,
    int? ActiveVersion,
    IReadOnlyList<int> Versions,
    ReferenceView? Reference,
    MonitoringSettingsView Settings,
    long Predictions,
    int WindowCount,
    IReadOnlyList<double> ReferenceConfidence,
    IReadOnlyList<double> WindowConfidence,
    IReadOnlyList<double> ReferenceClassProportions,
    IReadOnlyList<double> WindowClassProportions,
    IReadOnlyList<EvaluationPoint> Evaluations,
    IReadOnlyList<InputDrift> Inputs,
    IReadOnlyList<AlertView> Alerts,
    PredictionLogStatistics Log);
