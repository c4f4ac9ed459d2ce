namespace CaptionBoundaries.Application.Charts;

/// <summary>One point of a line: x (an epoch, a step, a version) and y; a non-finite y leaves a gap.</summary>
public readonly record struct LinePoint(double X, double Y);

/// <summary>One named line of a chart.</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<LinePoint> Points);

/// <summary>A tick placed on an axis: its coordinate along the axis (x for the x axis, y for the y axis) and its label.</summary>
public sealed record ChartTick(double At, string Label);

/// <summary>Line colours, told apart in print and by most colour-blind readers (Tableau 10).</summary>
public static class ChartColors
{
    public static readonly IReadOnlyList<string> Palette =
        ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

    public static string For(int index) => Palette[((index % Palette.Count) + Palette.Count) % Palette.Count];
}
