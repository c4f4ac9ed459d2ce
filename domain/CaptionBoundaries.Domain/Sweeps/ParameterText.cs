using System.Globalization;

namespace CaptionBoundaries.Domain.Sweeps;

/// <summary>
/// Parameter values as text, for stored sweep state and display: the grain storage keeps JSON, where a boxed long, double
/// or string would not come back as the same type, so values are restored against the definition that produced them.
/// </summary>
public static class ParameterText
{
    public static string Format(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public static IReadOnlyDictionary<string, string> Format(IReadOnlyDictionary<string, object> values) =>
        values.ToDictionary(kv => kv.Key, kv => Format(kv.Value));

    /// <summary>The typed values again: categories by their text, ranges as numbers.</summary>
    public static IReadOnlyDictionary<string, object> Restore(IReadOnlyList<ParameterSpec> parameters, IReadOnlyDictionary<string, string> text)
    {
        var result = new Dictionary<string, object>(parameters.Count);
        foreach (var p in parameters)
        {
            if (!text.TryGetValue(p.Name, out var raw)) continue;
            result[p.Name] = p.Kind switch
            {
                ParameterKind.IntUniform => long.Parse(raw, CultureInfo.InvariantCulture),
                ParameterKind.Uniform or ParameterKind.LogUniform => double.Parse(raw, CultureInfo.InvariantCulture),
                _ => p.Values.FirstOrDefault(v => Format(v) == raw) ?? raw,
            };
        }
        return result;
    }
}
