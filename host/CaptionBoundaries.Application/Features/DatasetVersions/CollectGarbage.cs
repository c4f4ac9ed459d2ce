using CaptionBoundaries.Application.Security;
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
/// Deletes blobs no dataset version references, except those younger than the grace period
/// (<see cref="DatasetVersionOptions.GarbageGracePeriod"/>), which a version being created may still need.
/// </summary>
[RequiresRole(Roles.Admin)]
public sealed record CollectGarbageCommand(bool DryRun = false) : ICommand<GarbageCollection>;

/// <param name="Deleted">Blobs deleted (or, on a dry run, that would be).</param>
/// <param name="KeptYoung">Unreferenced blobs spared because they are younger than the grace period.</param>
public sealed record GarbageCollection(
    bool DryRun,
    IReadOnlyList<StoredBlob> Deleted,
    long BytesFreed,
    int KeptReferenced,
    IReadOnlyList<StoredBlob> KeptYoung,
    int TempFilesDeleted,
    TimeSpan GracePeriod);

public sealed class CollectGarbageValidator : AbstractValidator<CollectGarbageCommand>;

public sealed class CollectGarbageHandler(TrackingDbContext db, BlobStore store, BlobStoreGate gate, DatasetVersionOptions options)
    : ICommandHandler<CollectGarbageCommand, GarbageCollection>
{
    public async ValueTask<GarbageCollection> Handle(CollectGarbageCommand command, CancellationToken cancellationToken)
    {
        using var _ = await gate.EnterAsync(cancellationToken);
        var grace = options.GarbageGracePeriod;

        // Blobs are listed before references are read: a blob written after the listing is not a candidate, and
        // any reference committed before the read is seen. Young blobs cover writers in other processes.
        var blobs = store.Enumerate().ToList();
        var referenced = (await db.DatasetVersionBlobs.Select(b => b.BlobSha).Distinct().ToListAsync(cancellationToken))
            .Concat(await db.DatasetVersions.Select(v => v.ManifestBlob).ToListAsync(cancellationToken))
            .Concat(await db.RunArtifacts.Select(a => a.Sha256).Distinct().ToListAsync(cancellationToken))
            .ToHashSet(StringComparer.Ordinal);

        var deleted = new List<StoredBlob>();
        var young = new List<StoredBlob>();
        var keptReferenced = 0;
        foreach (var blob in blobs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (referenced.Contains(blob.Sha))
            {
                keptReferenced++;
                continue;
            }
            // Re-read the write time right before deleting: a writer re-using the blob touches it.
            var lastWrite = File.GetLastWriteTimeUtc(store.PathOf(blob.Sha));
            if (DateTime.UtcNow - lastWrite < grace)
            {
                young.Add(blob with { LastWriteUtc = lastWrite });
                continue;
            }
            if (!command.DryRun) store.Delete(blob.Sha);
            deleted.Add(blob);
        }

        var temps = 0;
        foreach (var temp in store.EnumerateTempFiles().Where(f => DateTime.UtcNow - f.LastWriteTimeUtc >= grace))
        {
            if (!command.DryRun) temp.Delete();
            temps++;
        }
        return new GarbageCollection(command.DryRun, deleted, deleted.Sum(b => b.Bytes), keptReferenced, young, temps, grace);
    }
}
