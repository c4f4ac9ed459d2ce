using System.Text.RegularExpressions;
using CaptionBoundaries.Domain.Errors;

namespace CaptionBoundaries.Domain.Tracking;

/// <summary>A metric point as a client logs it: Unix-millisecond timestamp and step as MLflow defines them.</summary>
public sealed record LoggedMetric(string Key, double Value, long TimestampMs, long Step);

/// <summary>A param or tag as a client logs it.</summary>
public sealed record LoggedValue(string Key, string Value);

/// <summary>
/// What one log call writes to a run, checked against MLflow's documented limits before anything is stored: at most
/// 1000 metrics, 100 params and 100 tags (1000 entries in all), keys up to 250 characters of letters, digits, '_', '-',
/// '.', ' ' and '/', param values up to 6000 characters, tag values up to 8000.
/// </summary>
public sealed partial record RunLogBatch(IReadOnlyList<LoggedMetric> Metrics, IReadOnlyList<LoggedValue> Params, IReadOnlyList<LoggedValue> Tags)
{
    public const int MaxMetrics = 1000;
    public const int MaxParams = 100;
    public const int MaxTags = 100;
    public const int MaxEntries = 1000;
    public const int MaxKeyLength = 250;
    public const int MaxParamValueLength = 6000;
    public const int MaxTagValueLength = 8000;

    /// <summary>The tag MLflow keeps a run's description in; here it is the run's note.</summary>
    public const string NoteTag = "mlflow.note.content";

    public const int MaxNoteLength = 20_000;

    /// <summary>The tag MLflow keeps a run's name in; setting it renames the run, as in MLflow.</summary>
    public const string RunNameTag = "mlflow.runName";

    /// <summary>Tags under this prefix are written by the trainer (e.g. cb.stopped_early) and never by clients.</summary>
    public const string ReservedPrefix = "cb.";

    public static bool IsReserved(string key) => key.StartsWith(ReservedPrefix, StringComparison.Ordinal);

    public void Validate()
    {
        if (Metrics.Count > MaxMetrics) throw DomainException.Invalid($"A batch may hold at most {MaxMetrics} metrics, not {Metrics.Count}.", "metrics");
        if (Params.Count > MaxParams) throw DomainException.Invalid($"A batch may hold at most {MaxParams} params, not {Params.Count}.", "params");
        if (Tags.Count > MaxTags) throw DomainException.Invalid($"A batch may hold at most {MaxTags} tags, not {Tags.Count}.", "tags");
        if (Metrics.Count + Params.Count + Tags.Count > MaxEntries)
            throw DomainException.Invalid($"A batch may hold at most {MaxEntries} metrics, params and tags in all.", "metrics");
        for (var i = 0; i < Metrics.Count; i++) CheckKey(Metrics[i]?.Key, $"metrics[{i}].key");
        for (var i = 0; i < Params.Count; i++)
        {
            CheckKey(Params[i]?.Key, $"params[{i}].key");
            CheckValue(Params[i].Value, MaxParamValueLength, $"params[{i}].value");
        }
        for (var i = 0; i < Tags.Count; i++)
        {
            CheckKey(Tags[i]?.Key, $"tags[{i}].key");
            if (IsReserved(Tags[i].Key)) throw DomainException.Invalid($"Tag '{Tags[i].Key}' is the trainer's ('{ReservedPrefix}…' tags cannot be set by clients).", $"tags[{i}].key");
            CheckValue(Tags[i].Value, Tags[i].Key == NoteTag ? MaxNoteLength : MaxTagValueLength, $"tags[{i}].value");
        }
        var clash = Params.GroupBy(p => p.Key).FirstOrDefault(g => g.Select(p => p.Value).Distinct().Count() > 1);
        if (clash is not null) throw DomainException.Invalid($"Param '{clash.Key}' is given twice with different values in one batch.", "params");
    }

    public static void CheckKey(string? key, string field)
    {
        if (string.IsNullOrEmpty(key)) throw DomainException.Invalid("A key is required.", field);
        if (key.Length > MaxKeyLength) throw DomainException.Invalid($"Key '{key[..40]}…' is longer than {MaxKeyLength} characters.", field);
        if (!KeyPattern().IsMatch(key) || key.StartsWith('/') || key.Split('/').Any(s => s is "." or ".."))
            throw DomainException.Invalid($"Key '{key}' may hold only letters, digits, '_', '-', '.', ' ' and '/' (and no '.' or '..' path segment).", field);
    }

    private static void CheckValue(string? value, int max, string field)
    {
        if (value is null) throw DomainException.Invalid("A value is required.", field);
        if (value.Length > max) throw DomainException.Invalid($"The value is longer than {max} characters.", field);
    }

    [GeneratedRegex(@"^[\w\-. /]+$")]
    private static partial Regex KeyPattern();
}
