using System.Text;
using System.Text.RegularExpressions;

namespace CaptionBoundaries.Domain.Tracking.Search;

/// <summary>
/// Applies parsed MLflow filters and orderings to runs. As in MLflow, a clause on a metric, param or tag the run does
/// not have never matches (not even with !=); runs are ordered newest first unless order_by says otherwise, with the
/// run id as the last tie-breaker so pages are stable.
/// </summary>
public static class RunSearch
{
    /// <summary>The runs every clause matches (LIKE patterns compiled once for all runs).</summary>
    public static IEnumerable<SearchableRun> Filter(IEnumerable<SearchableRun> runs, IReadOnlyList<SearchClause> clauses)
    {
        var patterns = clauses.Where(c => c.Comparator is "LIKE" or "ILIKE")
            .DistinctBy(c => (c.Text, c.Comparator))
            .ToDictionary(c => (c.Text!, c.Comparator), c => Like(c.Text!, ignoreCase: c.Comparator == "ILIKE"));
        return runs.Where(run => clauses.All(c => Matches(run, c, patterns)));
    }

    public static IEnumerable<SearchableRun> Order(IEnumerable<SearchableRun> runs, IReadOnlyList<SearchOrder> orders)
    {
        IOrderedEnumerable<SearchableRun>? ordered = null;
        foreach (var order in orders.Count == 0 ? [new SearchOrder(SearchEntity.Attribute, "start_time", Descending: true)] : orders)
        {
            // Runs without the value sort last whatever the direction.
            Func<SearchableRun, bool> missing = r => ValueOf(r, order.Entity, order.Key) is null;
            ordered = ordered is null ? runs.OrderBy(missing) : ordered.ThenBy(missing);
            ordered = order.Descending
                ? ordered.ThenByDescending(r => ValueOf(r, order.Entity, order.Key), ValueComparer.Instance)
                : ordered.ThenBy(r => ValueOf(r, order.Entity, order.Key), ValueComparer.Instance);
        }
        return ordered!.ThenBy(r => r.RunId, StringComparer.Ordinal);
    }

    private static bool Matches(SearchableRun run, SearchClause clause, Dictionary<(string, string), Regex> patterns)
    {
        var value = ValueOf(run, clause.Entity, clause.Key);
        if (value is null) return false;
        if (clause.List is { } list)
        {
            var inList = list.Contains((string)value, StringComparer.Ordinal);
            return clause.Comparator == "IN" ? inList : !inList;
        }
        if (clause.Number is { } number)
        {
            var actual = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
            return clause.Comparator switch
            {
                "=" => actual == number,
                "!=" => actual != number,
                "<" => actual < number,
                "<=" => actual <= number,
                ">" => actual > number,
                ">=" => actual >= number,
                _ => false,
            };
        }
        var text = (string)value;
        return clause.Comparator switch
        {
            "=" => text == clause.Text,
            "!=" => text != clause.Text,
            "LIKE" or "ILIKE" => patterns[(clause.Text!, clause.Comparator)].IsMatch(text),
            _ => false,
        };
    }

    /// <summary>The value a clause or ordering compares: a double for metrics and times, a string otherwise, null when absent.</summary>
    private static object? ValueOf(SearchableRun run, SearchEntity entity, string key) => entity switch
    {
        SearchEntity.Metric => run.Metrics.TryGetValue(key, out var m) ? m : null,
        SearchEntity.Param => run.Params.GetValueOrDefault(key),
        SearchEntity.Tag => run.Tags.GetValueOrDefault(key),
        _ => key switch
        {
            "run_id" => run.RunId,
            "run_name" => run.RunName,
            "status" => run.Status,
            "user_id" => run.UserId,
            "artifact_uri" => run.ArtifactUri,
            "start_time" => (double)run.StartTime,
            "end_time" => run.EndTime is { } end ? (double)end : null,
            _ => null,
        },
    };

    /// <summary>
    /// SQL LIKE: % any run of characters, _ exactly one; everything else literal. The non-backtracking engine keeps a
    /// hostile pattern ("%a%a%a…") linear in the text.
    /// </summary>
    public static Regex Like(string pattern, bool ignoreCase)
    {
        var regex = new StringBuilder("^");
        foreach (var c in pattern)
            regex.Append(c switch { '%' => ".*", '_' => ".", _ => Regex.Escape(c.ToString()) });
        regex.Append('$');
        return new Regex(regex.ToString(),
            RegexOptions.Singleline | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None));
    }

    private sealed class ValueComparer : IComparer<object?>
    {
        public static readonly ValueComparer Instance = new();

        public int Compare(object? x, object? y) => (x, y) switch
        {
            (null, null) => 0,
            (null, _) => 1,
            (_, null) => -1,
            (double a, double b) => a.CompareTo(b),
            (string a, string b) => string.CompareOrdinal(a, b),
            _ => 0,
        };
    }
}
