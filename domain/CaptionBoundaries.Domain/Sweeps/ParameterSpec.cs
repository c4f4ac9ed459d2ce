namespace CaptionBoundaries.Domain.Sweeps;

/// <summary>
/// One swept parameter. <see cref="Values"/> holds the fixed value or the categories (long, double, bool or string, as
/// written); <see cref="Min"/> and <see cref="Max"/> bound the numeric distributions.
/// </summary>
public sealed record ParameterSpec(string Name, ParameterKind Kind, IReadOnlyList<object> Values, double Min = 0, double Max = 0)
{
    public static ParameterSpec Fixed(string name, object value) => new(name, ParameterKind.Fixed, [value]);

    public static ParameterSpec Categorical(string name, params object[] values) => new(name, ParameterKind.Categorical, values);

    public static ParameterSpec Uniform(string name, double min, double max) => new(name, ParameterKind.Uniform, [], min, max);

    public static ParameterSpec LogUniform(string name, double min, double max) => new(name, ParameterKind.LogUniform, [], min, max);

    public static ParameterSpec IntUniform(string name, long min, long max) => new(name, ParameterKind.IntUniform, [], min, max);

    /// <summary>Fixed and categorical parameters list their values; the others are continuous or ranges.</summary>
    public bool IsEnumerable => Kind is ParameterKind.Fixed or ParameterKind.Categorical;
}
