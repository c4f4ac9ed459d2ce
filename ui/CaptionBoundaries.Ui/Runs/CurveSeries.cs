namespace CaptionBoundaries.Ui.Runs;

/// <summary>One named line of a per-epoch chart (train loss, val F1, one run of a comparison…).</summary>
public sealed record CurveSeries(string Title, IReadOnlyList<CurvePoint> Points);

public sealed record CurvePoint(int Epoch, double Value);
