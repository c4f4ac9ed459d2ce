using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.DatasetVersions;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.DatasetVersions;

/// <summary>The dataset versions that reference a blob (by full hash or an unambiguous prefix of at least 8 characters).</summary>
[RequiresRole(Roles.Viewer)]
public sealed record BlobVersionsQuery(string Sha) : IQuery<BlobUsage>;

public sealed record BlobUsage(string Sha, bool Stored, IReadOnlyList<BlobVersionRef> Versions);

public sealed record BlobVersionRef(Guid Id, string Dataset, int Version);

public sealed class BlobVersionsValidator : AbstractValidator<BlobVersionsQuery>
{
    public BlobVersionsValidator()
    {
        RuleFor(q => q.Sha).NotEmpty().Matches("^[0-9a-f]{8,64}$")
            .WithMessage("A blob hash is 8 to 64 lowercase hex characters (a prefix of the SHA-256).")
            .OverridePropertyName("sha");
    }
}

public sealed class BlobVersionsHandler(TrackingDbContext db, BlobStore store) : IQueryHandler<BlobVersionsQuery, BlobUsage>
{
    public async ValueTask<BlobUsage> Handle(BlobVersionsQuery query, CancellationToken cancellationToken)
    {
        var shas = await db.DatasetVersionBlobs.Where(b => b.BlobSha.StartsWith(query.Sha))
            .Select(b => b.BlobSha).Distinct().Take(2).ToListAsync(cancellationToken);
        if (shas.Count > 1) throw DomainException.Invalid($"Blob prefix '{query.Sha}' matches more than one blob; give more characters.");
        var sha = shas.SingleOrDefault() ?? (BlobStore.IsSha(query.Sha) ? query.Sha : null);
        if (sha is null || (shas.Count == 0 && !store.Contains(sha)))
            throw DomainException.NotFound($"No dataset version references a blob '{query.Sha}', and the store holds no such blob.");

        var versions = await db.DatasetVersionBlobs.Where(b => b.BlobSha == sha)
            .Join(db.DatasetVersions, b => b.VersionId, v => v.Id, (b, v) => v)
            .OrderBy(v => v.DatasetName).ThenBy(v => v.Number)
            .Select(v => new BlobVersionRef(v.Id, v.DatasetName, v.Number))
            .ToListAsync(cancellationToken);
        return new BlobUsage(sha, store.Contains(sha), versions);
    }
}
