using CaptionBoundaries.Application.Features.Experiments;

namespace CaptionBoundaries.Ui.Experiments;

/// <summary>The experiments page's filter bar state; null means "any".</summary>
public sealed record ExperimentFilter(string? Architecture = null, string? Status = null, string? Dataset = null, string SortBy = "best_f1")
{
    public ListExperimentsQuery ToQuery() =>
        new(Architecture, Status, string.IsNullOrWhiteSpace(Dataset) ? null : Dataset.Trim(), SortBy, Limit: 500);
}
