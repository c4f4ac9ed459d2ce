namespace CaptionBoundaries.Domain.Tracking.Search;

/// <summary>What a search clause compares: a metric's latest value, a param, a tag, or an attribute of the run itself.</summary>
public enum SearchEntity
{
    Metric,
    Param,
    Tag,
    Attribute,
}

/// <summary>
/// One "identifier comparator value" clause of an MLflow search filter. <see cref="Number"/> is set for numeric
/// comparisons (metrics, start_time, end_time), <see cref="Text"/> for string ones, <see cref="List"/> for IN / NOT IN.
/// </summary>
public sealed record SearchClause(SearchEntity Entity, string Key, string Comparator, double? Number, string? Text, IReadOnlyList<string>? List);

/// <summary>One "identifier [ASC|DESC]" term of an order_by list.</summary>
public sealed record SearchOrder(SearchEntity Entity, string Key, bool Descending);
