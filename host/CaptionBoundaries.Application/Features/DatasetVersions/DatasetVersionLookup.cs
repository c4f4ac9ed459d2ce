using System.Text.RegularExpressions;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.DatasetVersions;

/// <summary>Finds versions by dataset name and number, with errors that name what was not found.</summary>
public static partial class DatasetVersionLookup
{
    public static async Task<DatasetVersionRecord> Find(TrackingDbContext db, string dataset, int version, CancellationToken ct)
    {
        var record = await db.DatasetVersions.AsNoTracking()
            .SingleOrDefaultAsync(v => v.DatasetName == dataset && v.Number == version, ct);
        if (record is not null) return record;
        await RequireDataset(db, dataset, ct);
        var latest = await db.DatasetVersions.Where(v => v.DatasetName == dataset).MaxAsync(v => (int?)v.Number, ct);
        throw DomainException.NotFound($"Dataset '{dataset}' has no version {version} (latest is {latest?.ToString() ?? "none"}).");
    }

    public static async Task<DatasetVersionRecord> Find(TrackingDbContext db, Guid id, CancellationToken ct) =>
        await db.DatasetVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Id == id, ct)
        ?? throw DomainException.NotFound($"No dataset version has id {id}.");

    public static async Task RequireDataset(TrackingDbContext db, string dataset, CancellationToken ct)
    {
        if (!await db.Datasets.AnyAsync(d => d.Name == dataset, ct))
            throw DomainException.NotFound($"Unknown dataset '{dataset}'. `dataset version list` shows the datasets that have versions.");
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    public static partial Regex NamePattern();

    /// <summary>Dataset names are identifiers (they appear in CLI arguments and URLs), not free text.</summary>
    public static IRuleBuilderOptions<T, string> MustBeDatasetName<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().Must(n => n is null || NamePattern().IsMatch(n))
            .WithMessage(n => "A dataset name is 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit.");
}
