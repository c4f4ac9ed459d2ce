using CaptionBoundaries.Domain.Errors;

namespace CaptionBoundaries.Domain.Sweeps;

/// <summary>
/// Enumerates the cartesian product of the parameters' values exactly once, like nested loops in the order the
/// parameters were written: the first parameter is the outermost loop, the last one changes fastest, and each
/// parameter's values come in the order listed. Only fixed and categorical parameters can be gridded.
/// </summary>
public sealed class GridSampler : ISweepSampler
{
    private readonly IReadOnlyList<ParameterSpec> _parameters;
    private long _next;

    public GridSampler(IReadOnlyList<ParameterSpec> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var p in parameters)
        {
            if (!p.IsEnumerable)
                throw DomainException.Invalid($"Parameter '{p.Name}' is {p.Kind}: a grid needs fixed or categorical values.", $"parameters.{p.Name}");
        }
        _parameters = parameters;
        try
        {
            Count = parameters.Aggregate(1L, (n, p) => checked(n * p.Values.Count));
        }
        catch (OverflowException)
        {
            throw DomainException.Invalid($"The grid of {parameters.Count} parameters has more than {long.MaxValue} points; sweep fewer values.", "parameters");
        }
    }

    /// <summary>Size of the product; 1 for no parameters (one trial with the defaults).</summary>
    public long Count { get; }

    public IReadOnlyDictionary<string, object>? Next(IReadOnlyList<TrialObservation> observations) =>
        _next < Count ? At(_next++) : null;

    /// <summary>The combination at a position of the enumeration (mixed-radix digits, last parameter least significant).</summary>
    public IReadOnlyDictionary<string, object> At(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var result = new Dictionary<string, object>(_parameters.Count);
        for (var i = _parameters.Count - 1; i >= 0; i--)
        {
            var values = _parameters[i].Values;
            result[_parameters[i].Name] = values[(int)(index % values.Count)];
            index /= values.Count;
        }
        return _parameters.ToDictionary(p => p.Name, p => result[p.Name]);
    }
}
