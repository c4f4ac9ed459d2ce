using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.DatasetVersions;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Infrastructure.Tracking;

/// <summary>
/// Files attached to runs. An upload is staged to disk under its size limit first (never held in memory), then stored
/// once in the content-addressed blob store and named in <see cref="RunArtifact"/>; the same bytes attached twice are
/// stored once. Writing the same path again replaces what it names (MLflow's behaviour). Garbage collection keeps
/// every blob a run artifact names.
/// </summary>
public sealed class RunArtifactStore(TrackingDbContext db, BlobStore blobs, BlobStoreGate gate, CaptionBoundariesOptions options)
{
    public async Task<RunArtifact> SaveAsync(Guid runId, string path, Stream content, long maxBytes, string actor, CancellationToken ct)
    {
        var normalized = ArtifactPath.Normalize(path);
        var staged = await UploadStaging.StageAsync(options, content, maxBytes, ct);
        try
        {
            // The gate keeps garbage collection in this process from deleting the blob before its row is committed.
            using var _ = await gate.EnterAsync(ct);
            var blob = blobs.PutFile(staged);
            return await RecordAsync(runId, normalized, blob, actor, ct);
        }
        finally
        {
            File.Delete(staged);
        }
    }

    public async Task<IReadOnlyList<RunArtifact>> AllAsync(Guid runId, CancellationToken ct) =>
        await db.RunArtifacts.AsNoTracking().Where(a => a.ExperimentId == runId).OrderBy(a => a.Path).ToListAsync(ct);

    /// <summary>The direct children (files and folders) of a folder of a run's artifacts.</summary>
    public async Task<IReadOnlyList<ArtifactEntry>> ListAsync(Guid runId, string? folder, CancellationToken ct)
    {
        var normalized = ArtifactPath.NormalizeFolder(folder);
        var prefix = normalized.Length == 0 ? "" : normalized + "/";
        var files = await db.RunArtifacts.AsNoTracking()
            .Where(a => a.ExperimentId == runId && (prefix == "" || a.Path.StartsWith(prefix)))
            .Select(a => new { a.Path, a.SizeBytes, a.Sha256 })
            .ToListAsync(ct);
        return ArtifactListing.ChildrenOf(normalized, files.Select(f => (f.Path, f.SizeBytes, f.Sha256)));
    }

    /// <summary>The artifact's record and a stream of its bytes; not found when the run has no file under that path.</summary>
    public async Task<(RunArtifact Artifact, Stream Content)> OpenAsync(Guid runId, string path, CancellationToken ct)
    {
        var normalized = ArtifactPath.Normalize(path);
        var artifact = await db.RunArtifacts.AsNoTracking().FirstOrDefaultAsync(a => a.ExperimentId == runId && a.Path == normalized, ct)
            ?? throw DomainException.NotFound($"Run {runId:N} has no artifact '{normalized}'.");
        var file = blobs.PathOf(artifact.Sha256);
        if (!File.Exists(file)) throw CorruptBlobException.Missing(artifact.Sha256, $"artifact '{normalized}' of run {runId:N}");
        return (artifact, new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan));
    }

    private async Task<RunArtifact> RecordAsync(Guid runId, string path, BlobWrite blob, string actor, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var row = await db.RunArtifacts.FirstOrDefaultAsync(a => a.ExperimentId == runId && a.Path == path, ct);
            if (row is null)
            {
                row = new RunArtifact { ExperimentId = runId, Path = path, Sha256 = blob.Sha, UploadedBy = actor };
                db.RunArtifacts.Add(row);
            }
            row.Sha256 = blob.Sha;
            row.SizeBytes = blob.Bytes;
            row.UploadedBy = actor;
            row.CreatedAtUtc = DateTime.UtcNow;
            try
            {
                await db.SaveChangesAsync(ct);
                return row;
            }
            catch (DbUpdateException) when (attempt == 0)
            {
                // Another upload of the same path committed first (unique index): replace what it wrote instead.
                db.ChangeTracker.Clear();
            }
        }
    }
}
