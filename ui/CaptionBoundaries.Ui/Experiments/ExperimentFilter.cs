using CaptionBoundaries.Application.Features.Experiments;

namespace CaptionBoundaries.Ui.Experiments;

/// <summary>The experiments page's filter bar state; null means "any". <see cref="Tag"/> is "key" or "key=value".</summary>
public sealed record ExperimentFilter(
    string? Architecture = null, string? Status = null, string? Dataset = null, string SortBy = "best_f1", string? Name = null, string? Tag = null)
{
    public ListExperimentsQuery ToQuery() =>
        new(Architecture, Status, string.IsNullOrWhiteSpace(Dataset) ? null : Dataset.Trim(), SortBy, Limit: 500)
        {
            NameContains = string.IsNullOrWhiteSpace(Name) ? null : Name.Trim(),
            Tags = string.IsNullOrWhiteSpace(Tag) ? [] : [Tag.Trim()],
        };
}
