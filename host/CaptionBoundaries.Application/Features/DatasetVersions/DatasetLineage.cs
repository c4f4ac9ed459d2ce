using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.DatasetVersions;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.DatasetVersions;

/// <summary>
/// What a version is made of and what was made from it: its blobs (with the samples and fields using each)
/// and the experiments trained on its content (matched by dataset identity, so a run on any checkout counts).
/// </summary>
[RequiresRole(Roles.Viewer)]
public sealed record DatasetLineageQuery(string Name, int Version) : IQuery<DatasetLineage>;

public sealed record DatasetLineage(
    DatasetVersionSummary Version,
    int? ParentVersion,
    IReadOnlyList<LineageBlob> Blobs,
    IReadOnlyList<LineageExperiment> Experiments);

/// <param name="Uses">"manifest.json", "version manifest", or "sample_id/field" for each use.</param>
public sealed record LineageBlob(string Sha, long Bytes, IReadOnlyList<string> Uses);

public sealed record LineageExperiment(Guid Id, string Name, string ArchitectureName, string Status, double? BestValMacroF1, string DatasetPath, DateTime CreatedAtUtc);

public sealed class DatasetLineageValidator : AbstractValidator<DatasetLineageQuery>
{
    public DatasetLineageValidator()
    {
        RuleFor(q => q.Name).MustBeDatasetName().OverridePropertyName("name");
        RuleFor(q => q.Version).GreaterThanOrEqualTo(1).OverridePropertyName("version");
    }
}

public sealed class DatasetLineageHandler(TrackingDbContext db, BlobStore store, ActorContext actors) : IQueryHandler<DatasetLineageQuery, DatasetLineage>
{
    public async ValueTask<DatasetLineage> Handle(DatasetLineageQuery query, CancellationToken cancellationToken)
    {
        var record = await DatasetVersionLookup.Find(db, query.Name, query.Version, cancellationToken);
        var blobRows = await db.DatasetVersionBlobs.AsNoTracking().Where(b => b.VersionId == record.Id).ToListAsync(cancellationToken);

        var uses = blobRows.ToDictionary(b => b.BlobSha, _ => new List<string>(), StringComparer.Ordinal);
        void Use(string sha, string what)
        {
            if (uses.TryGetValue(sha, out var list)) list.Add(what);
        }
        Use(record.ManifestBlob, "version manifest");
        var (version, _, _) = DatasetCheckout.ReadVersion(store, record.ManifestBlob);
        Use(version.SourceManifest, DatasetManifest.FileName);
        foreach (var s in version.Samples)
            foreach (var (field, sha) in s.ImageBlobs())
                Use(sha, $"{s.Id}/{field}");

        var experiments = await db.Experiments.AsNoTracking()
            .Where(e => e.DatasetIdentity == record.ContentIdentity)
            .VisibleTo(actors.Current)
            .OrderByDescending(e => e.CreatedAtUtc)
            .Select(e => new LineageExperiment(e.Id, e.Name, e.ArchitectureName, e.Status.ToString(), e.BestValMacroF1, e.DatasetPath, e.CreatedAtUtc))
            .ToListAsync(cancellationToken);
        int? parent = record.ParentVersionId is { } parentId
            ? await db.DatasetVersions.Where(v => v.Id == parentId).Select(v => (int?)v.Number).SingleOrDefaultAsync(cancellationToken)
            : null;

        var blobs = blobRows.OrderBy(b => b.BlobSha, StringComparer.Ordinal)
            .Select(b => new LineageBlob(b.BlobSha, b.Bytes, uses[b.BlobSha])).ToList();
        return new DatasetLineage(DatasetVersionSummary.From(record), parent, blobs, experiments);
    }
}
