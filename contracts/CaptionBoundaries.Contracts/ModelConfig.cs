using System.Globalization;

namespace CaptionBoundaries.Contracts;

/// <summary>
/// Architecture settings as string key/values (as typed on a command line or stored as JSON), with typed
/// accessors that name the key when a value does not parse.
/// </summary>
public sealed class ModelConfig
{
    private readonly SortedDictionary<string, string> _values;

    public ModelConfig(IEnumerable<KeyValuePair<string, string>> values)
    {
        _values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in values) _values[k] = v;
    }

    public ModelConfig(params (string Key, string Value)[] values)
        : this(values.Select(v => new KeyValuePair<string, string>(v.Key, v.Value)))
    {
    }

    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>
    /// The defaults overlaid with <paramref name="overrides"/>. A key the defaults do not know is an error
    /// naming the key and the architecture, since a typo would otherwise be silently ignored.
    /// </summary>
    public ModelConfig MergeOverrides(IReadOnlyDictionary<string, string> overrides, string architectureName)
    {
        var merged = new Dictionary<string, string>(_values);
        foreach (var (k, v) in overrides)
        {
            if (!_values.ContainsKey(k))
            {
                throw new ModelConfigException(k,
                    $"unknown model config key '{k}' for architecture '{architectureName}'; known keys: {string.Join(", ", _values.Keys)}");
            }
            merged[k] = v;
        }
        return new ModelConfig(merged);
    }

    public string GetString(string key) =>
        _values.TryGetValue(key, out var v) ? v : throw new ModelConfigException(key, $"model config key '{key}' is missing");

    public int GetInt(string key, int min = int.MinValue, int max = int.MaxValue)
    {
        var raw = GetString(key);
        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            throw new ModelConfigException(key, $"model config '{key}' must be an integer, got '{raw}'");
        if (value < min || value > max)
            throw new ModelConfigException(key, $"model config '{key}' must be between {min} and {max}, got {value}");
        return value;
    }

    public double GetDouble(string key, double min = double.MinValue, double max = double.MaxValue)
    {
        var raw = GetString(key);
        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            throw new ModelConfigException(key, $"model config '{key}' must be a number, got '{raw}'");
        if (value < min || value > max)
            throw new ModelConfigException(key, $"model config '{key}' must be between {min} and {max}, got {value}");
        return value;
    }

    public bool GetBool(string key)
    {
        var raw = GetString(key);
        return bool.TryParse(raw, out var value)
            ? value
            : throw new ModelConfigException(key, $"model config '{key}' must be true or false, got '{raw}'");
    }

    /// <summary>An optional local file path: empty means "not set"; a set path that does not exist is an error.</summary>
    public string? GetExistingFileOrNull(string key)
    {
        var raw = GetString(key).Trim();
        if (raw.Length == 0) return null;
        if (!File.Exists(raw))
            throw new ModelConfigException(key, $"model config '{key}' points to '{raw}', which does not exist (weights are only loaded from local files)");
        return raw;
    }

    public override string ToString() => string.Join(", ", _values.Select(kv => $"{kv.Key}={kv.Value}"));
}

/// <summary>A bad model config value; <see cref="Key"/> names it.</summary>
public sealed class ModelConfigException(string key, string message) : ArgumentException(message)
{
    public string Key { get; } = key;
}
