using System.Globalization;

namespace CaptionBoundaries.Domain.Sweeps;

/// <summary>
/// Parses and validates a sweep definition written in YAML or JSON. Every problem is collected with the dotted path of
/// the offending field (<c>parameters.lr.min must be &lt; max</c>) and thrown together as a
/// <see cref="SweepDefinitionException"/>; unknown keys are refused so a misspelt option never silently does nothing.
/// </summary>
public static class SweepDefinitionParser
{
    private static readonly string[] TopLevelKeys = ["name", "method", "metric", "parameters", "run_cap", "early_terminate", "seed"];
    private static readonly string[] MetricKeys = ["name", "goal"];
    private static readonly string[] ParameterKeys = ["value", "values", "distribution", "min", "max"];
    private static readonly string[] EarlyTerminateKeys = ["type", "min_iter", "max_iter", "eta"];
    private static readonly string[] Methods = ["grid", "random", "bayes"];
    private static readonly string[] Goals = ["maximize", "minimize"];
    private static readonly string[] Distributions = ["categorical", "uniform", "log_uniform", "int_uniform"];
    private static readonly string[] EarlyTerminateTypes = ["asha", "hyperband", "median"];

    public static SweepDefinition ParseFile(string path) => Parse(File.ReadAllText(path));

    public static SweepDefinition Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var errors = new List<SweepDefinitionError>();
        var definition = Read(SweepDocumentReader.Read(text), errors);
        if (errors.Count > 0 || definition is null) throw new SweepDefinitionException(errors);
        return definition;
    }

    private static SweepDefinition? Read(object? document, List<SweepDefinitionError> errors)
    {
        if (document is not SweepMap root)
        {
            errors.Add(new("(document)", "(document): a sweep definition must be a mapping with name, method, metric and parameters"));
            return null;
        }
        RefuseUnknownKeys(root, TopLevelKeys, "", errors);

        var name = RequiredString(root, "name", "name", errors);
        var methodText = RequiredString(root, "method", "method", errors);
        SweepMethod? method = null;
        if (methodText is not null)
        {
            if (Methods.Contains(methodText)) method = Enum.Parse<SweepMethod>(methodText, ignoreCase: true);
            else errors.Add(new("method", $"method must be one of {string.Join(", ", Methods)} (got '{methodText}')"));
        }

        var metric = ReadMetric(root, errors);
        var parameters = ReadParameters(root, method, errors);
        var runCap = OptionalInt(root, "run_cap", "run_cap", errors, minimum: 1);
        if (runCap is null && method is SweepMethod.Random or SweepMethod.Bayes && !root.TryGet("run_cap", out _))
            errors.Add(new("run_cap", $"run_cap is required for method {methodText}: it would never end otherwise"));
        var earlyTerminate = ReadEarlyTerminate(root, errors);
        var seed = OptionalInt(root, "seed", "seed", errors, minimum: int.MinValue) ?? 0;

        if (errors.Count > 0 || name is null || method is null || metric is null) return null;
        return new SweepDefinition(name, method.Value, metric, parameters, runCap, earlyTerminate, seed);
    }

    private static SweepMetric? ReadMetric(SweepMap root, List<SweepDefinitionError> errors)
    {
        if (!root.TryGet("metric", out var node) || node is null)
        {
            errors.Add(new("metric", "metric is required, e.g. { name: val_macro_f1, goal: maximize }"));
            return null;
        }
        if (node is not SweepMap map)
        {
            errors.Add(new("metric", "metric must be a mapping with name and goal"));
            return null;
        }
        RefuseUnknownKeys(map, MetricKeys, "metric", errors);
        var name = RequiredString(map, "name", "metric.name", errors);
        var goal = MetricGoal.Maximize;
        if (map.TryGet("goal", out var goalNode))
        {
            if (goalNode is string g && Goals.Contains(g)) goal = Enum.Parse<MetricGoal>(g, ignoreCase: true);
            else errors.Add(new("metric.goal", $"metric.goal must be one of {string.Join(", ", Goals)} (got '{Describe(goalNode)}')"));
        }
        return name is null ? null : new SweepMetric(name, goal);
    }

    private static List<ParameterSpec> ReadParameters(SweepMap root, SweepMethod? method, List<SweepDefinitionError> errors)
    {
        var result = new List<ParameterSpec>();
        if (!root.TryGet("parameters", out var node) || node is not SweepMap map || map.Count == 0)
        {
            errors.Add(new("parameters", "parameters must be a non-empty mapping of parameter name to its values or distribution"));
            return result;
        }
        foreach (var (name, value) in map)
        {
            var path = $"parameters.{name}";
            var spec = ReadParameter(name, value, path, errors);
            if (spec is null) continue;
            if (method == SweepMethod.Grid && !spec.IsEnumerable)
            {
                errors.Add(new(path, $"{path}: method grid needs values or value; a {Snake(spec.Kind)} distribution cannot be enumerated"));
                continue;
            }
            result.Add(spec);
        }
        if (method == SweepMethod.Grid && GridSize(result) is var combinations and > DefinitionLimits.MaxGridCombinations)
            errors.Add(new("parameters", $"parameters: the grid has {(combinations == long.MaxValue ? "more than 9.2e18" : combinations.ToString("N0", CultureInfo.InvariantCulture))} " +
                $"combinations; at most {DefinitionLimits.MaxGridCombinations:N0} are accepted (use method random or bayes with a run_cap to sample a large space)"));
        return result;
    }

    /// <summary>The product of the value counts, saturating at <see cref="long.MaxValue"/> instead of overflowing.</summary>
    private static long GridSize(IEnumerable<ParameterSpec> parameters)
    {
        long size = 1;
        foreach (var p in parameters)
            size = p.Values.Count == 0 || size <= long.MaxValue / p.Values.Count ? size * p.Values.Count : long.MaxValue;
        return size;
    }

    private static ParameterSpec? ReadParameter(string name, object? node, string path, List<SweepDefinitionError> errors)
    {
        if (node is not SweepMap map)
        {
            errors.Add(new(path, $"{path} must be a mapping with value, values, or distribution with min and max"));
            return null;
        }
        var before = errors.Count;
        RefuseUnknownKeys(map, ParameterKeys, path, errors);
        var hasValue = map.TryGet("value", out var fixedValue);
        var hasValues = map.TryGet("values", out var valuesNode);
        var hasDistribution = map.TryGet("distribution", out var distributionNode);
        if (!hasValue && !hasValues && !hasDistribution)
        {
            errors.Add(new(path, $"{path} needs one of value, values or distribution"));
            return null;
        }
        if (hasValue && (hasValues || hasDistribution))
        {
            errors.Add(new(path, $"{path}.value cannot be combined with values or distribution"));
            return null;
        }
        if (hasValue)
        {
            if (fixedValue is SweepMap or List<object?> or null)
                errors.Add(new($"{path}.value", $"{path}.value must be a single number, boolean or string"));
            return errors.Count > before ? null : ParameterSpec.Fixed(name, fixedValue!);
        }

        var distribution = hasDistribution ? distributionNode as string : "categorical";
        if (distribution is null || !Distributions.Contains(distribution))
        {
            errors.Add(new($"{path}.distribution", $"{path}.distribution must be one of {string.Join(", ", Distributions)} (got '{Describe(distributionNode)}')"));
            return null;
        }
        if (distribution == "categorical")
        {
            if (map.TryGet("min", out _) || map.TryGet("max", out _))
                errors.Add(new(path, $"{path}: min and max do not apply to categorical values"));
            var values = ReadValues(valuesNode, hasValues, $"{path}.values", errors);
            return errors.Count > before || values is null ? null : ParameterSpec.Categorical(name, [.. values]);
        }

        if (hasValues) errors.Add(new($"{path}.values", $"{path}.values does not apply to distribution {distribution}"));
        var min = RequiredNumber(map, "min", $"{path}.min", errors);
        var max = RequiredNumber(map, "max", $"{path}.max", errors);
        if (min is null || max is null) return null;
        if (min >= max) errors.Add(new($"{path}.min", $"{path}.min must be < max ({Format(min.Value)} >= {Format(max.Value)})"));
        if (distribution == "log_uniform" && min <= 0) errors.Add(new($"{path}.min", $"{path}.min must be > 0 for log_uniform (got {Format(min.Value)})"));
        if (distribution == "int_uniform")
        {
            if (min != Math.Floor(min.Value)) errors.Add(new($"{path}.min", $"{path}.min must be an integer for int_uniform (got {Format(min.Value)})"));
            if (max != Math.Floor(max.Value)) errors.Add(new($"{path}.max", $"{path}.max must be an integer for int_uniform (got {Format(max.Value)})"));
        }
        if (errors.Count > before) return null;
        return distribution switch
        {
            "uniform" => ParameterSpec.Uniform(name, min.Value, max.Value),
            "log_uniform" => ParameterSpec.LogUniform(name, min.Value, max.Value),
            _ => ParameterSpec.IntUniform(name, (long)min.Value, (long)max.Value),
        };
    }

    private static List<object>? ReadValues(object? node, bool present, string path, List<SweepDefinitionError> errors)
    {
        if (!present || node is not List<object?> list || list.Count == 0)
        {
            errors.Add(new(path, $"{path} must be a non-empty list"));
            return null;
        }
        var result = new List<object>();
        var seen = new HashSet<object>();
        for (var i = 0; i < list.Count; i++)
        {
            var v = list[i];
            if (v is null or SweepMap or List<object?>)
                errors.Add(new($"{path}[{i}]", $"{path}[{i}] must be a number, boolean or string"));
            else if (!seen.Add(Comparable(v)))
                errors.Add(new($"{path}[{i}]", $"{path}[{i}] repeats the value {Describe(v)}"));
            else result.Add(v);
        }
        return result;
    }

    private static EarlyTerminateSpec? ReadEarlyTerminate(SweepMap root, List<SweepDefinitionError> errors)
    {
        if (!root.TryGet("early_terminate", out var node) || node is null) return null;
        if (node is not SweepMap map)
        {
            errors.Add(new("early_terminate", "early_terminate must be a mapping with type, min_iter, max_iter and eta"));
            return null;
        }
        var before = errors.Count;
        RefuseUnknownKeys(map, EarlyTerminateKeys, "early_terminate", errors);
        var typeText = RequiredString(map, "type", "early_terminate.type", errors);
        if (typeText is not null && !EarlyTerminateTypes.Contains(typeText))
            errors.Add(new("early_terminate.type", $"early_terminate.type must be one of {string.Join(", ", EarlyTerminateTypes)} (got '{typeText}')"));
        var minIter = OptionalInt(map, "min_iter", "early_terminate.min_iter", errors, minimum: 1) ?? 1;
        var maxIter = OptionalInt(map, "max_iter", "early_terminate.max_iter", errors, minimum: 1) ?? 9;
        var eta = OptionalInt(map, "eta", "early_terminate.eta", errors, minimum: 2) ?? 3;
        if (maxIter <= minIter)
            errors.Add(new("early_terminate.max_iter", $"early_terminate.max_iter must be > min_iter ({maxIter} <= {minIter})"));
        if (errors.Count > before) return null;
        return new EarlyTerminateSpec(Enum.Parse<EarlyTerminateType>(typeText!, ignoreCase: true), minIter, maxIter, eta);
    }

    private static void RefuseUnknownKeys(SweepMap map, string[] allowed, string path, List<SweepDefinitionError> errors)
    {
        foreach (var (key, _) in map)
        {
            if (allowed.Contains(key)) continue;
            var at = path.Length == 0 ? key : $"{path}.{key}";
            errors.Add(new(at, $"{at} is not a known key (allowed: {string.Join(", ", allowed)})"));
        }
    }

    private static string? RequiredString(SweepMap map, string key, string path, List<SweepDefinitionError> errors)
    {
        if (!map.TryGet(key, out var v) || v is null)
        {
            errors.Add(new(path, $"{path} is required"));
            return null;
        }
        if (v is string s && s.Trim().Length > 0) return s;
        errors.Add(new(path, $"{path} must be a non-empty string (got {Describe(v)})"));
        return null;
    }

    private static double? RequiredNumber(SweepMap map, string key, string path, List<SweepDefinitionError> errors)
    {
        if (!map.TryGet(key, out var v) || v is null)
        {
            errors.Add(new(path, $"{path} is required"));
            return null;
        }
        if (v is long l) return l;
        if (v is double d && double.IsFinite(d)) return d;
        errors.Add(new(path, $"{path} must be a finite number (got {Describe(v)})"));
        return null;
    }

    private static int? OptionalInt(SweepMap map, string key, string path, List<SweepDefinitionError> errors, int minimum)
    {
        if (!map.TryGet(key, out var v) || v is null) return null;
        if (v is long l && l >= minimum && l <= int.MaxValue) return (int)l;
        errors.Add(new(path, v is long
            ? $"{path} must be at least {minimum} (got {Describe(v)})"
            : $"{path} must be an integer (got {Describe(v)})"));
        return null;
    }

    // 8 and 8.0 are the same value: numbers compare as doubles (a hash set keeps the check linear in the list's length).
    private static object Comparable(object v) => v is long or double ? Convert.ToDouble(v, CultureInfo.InvariantCulture) : v;

    private static string Describe(object? v) => v switch
    {
        null => "nothing",
        string s => $"'{s}'",
        double d => Format(d),
        SweepMap => "a mapping",
        List<object?> => "a list",
        _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "",
    };

    private static string Format(double d) => d.ToString("G", CultureInfo.InvariantCulture);

    private static string Snake(ParameterKind kind) => kind switch
    {
        ParameterKind.LogUniform => "log_uniform",
        ParameterKind.IntUniform => "int_uniform",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
