using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.DatasetVersions;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.DatasetVersions;

/// <summary>
/// Re-hashes every blob a version needs and reports all that are missing or altered (a checkout stops at the
/// first). A version whose manifests are themselves damaged cannot be read, which is reported as one problem.
/// </summary>
[RequiresRole(Roles.Viewer)]
public sealed record VerifyDatasetVersionQuery(string Name, int Version) : IQuery<DatasetVersionVerification>;

public sealed record DatasetVersionVerification(DatasetVersionSummary Version, int BlobsChecked, IReadOnlyList<BlobProblem> Problems)
{
    public bool Intact => Problems.Count == 0;
}

/// <param name="UsedBy">What needs the blob: "version manifest", "manifest.json" or "sample_id/field" entries.</param>
public sealed record BlobProblem(string Sha, string Problem, IReadOnlyList<string> UsedBy);

public sealed class VerifyDatasetVersionValidator : AbstractValidator<VerifyDatasetVersionQuery>
{
    public VerifyDatasetVersionValidator()
    {
        RuleFor(q => q.Name).MustBeDatasetName().OverridePropertyName("name");
        RuleFor(q => q.Version).GreaterThanOrEqualTo(1).OverridePropertyName("version");
    }
}

public sealed class VerifyDatasetVersionHandler(TrackingDbContext db, BlobStore store) : IQueryHandler<VerifyDatasetVersionQuery, DatasetVersionVerification>
{
    public async ValueTask<DatasetVersionVerification> Handle(VerifyDatasetVersionQuery query, CancellationToken cancellationToken)
    {
        var record = await DatasetVersionLookup.Find(db, query.Name, query.Version, cancellationToken);
        var summary = DatasetVersionSummary.From(record);
        DatasetVersionManifest version;
        try
        {
            (version, _, _) = DatasetCheckout.ReadVersion(store, record.ManifestBlob);
        }
        catch (CorruptBlobException e)
        {
            return new DatasetVersionVerification(summary, 1, [new BlobProblem(e.Sha, e.Message, [e.UsedFor])]);
        }

        var uses = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var s in version.Samples)
            foreach (var (field, sha) in s.ImageBlobs())
            {
                if (!uses.TryGetValue(sha, out var list)) uses[sha] = list = [];
                list.Add($"{s.Id}/{field}");
            }

        var problems = new List<BlobProblem>();
        foreach (var (sha, usedBy) in uses)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                store.ReadVerified(sha, usedBy[0]);
            }
            catch (CorruptBlobException e)
            {
                problems.Add(new BlobProblem(sha, e.Message, usedBy));
            }
        }
        // +2: the version manifest and manifest.json, both verified by reading the version.
        return new DatasetVersionVerification(summary, uses.Count + 2, problems);
    }
}
