using System.Text.Json;
using CaptionBoundaries.Application.Features.Inference;
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
/// Records the content of a dataset folder as the next version of a named dataset, storing only blobs the
/// store does not have. Content identical to the latest version gives that version back instead of a new one.
/// </summary>
[RequiresRole(Roles.Researcher)]
public sealed record CreateDatasetVersionCommand(string Name, string Folder, string? Message = null) : ICommand<CreatedDatasetVersion>
{
    public IProgress<DatasetHashingProgress>? Progress { get; init; }
}

/// <param name="Reused">True when the content equals the latest version's, which is returned unchanged.</param>
/// <param name="NewBlobs">Image blobs this call stored (0 when <paramref name="Reused"/>).</param>
public sealed record CreatedDatasetVersion(DatasetVersionSummary Version, bool Reused, int NewBlobs);

public sealed class CreateDatasetVersionValidator : AbstractValidator<CreateDatasetVersionCommand>
{
    public CreateDatasetVersionValidator(Infrastructure.Security.Paths.RequestPaths paths)
    {
        RuleFor(c => c.Name).MustBeDatasetName().OverridePropertyName("name");
        RuleFor(c => c.Folder).NotEmpty().OverridePropertyName("folder");
        RuleFor(c => c.Folder)
            .Must(Directory.Exists).WithMessage(c => $"Folder '{c.Folder}' does not exist.")
            .DependentRules(() => RuleFor(c => c.Folder)
                .Must(f => File.Exists(DatasetManifest.ManifestPath(f)))
                .WithMessage(c => $"'{c.Folder}' is not a dataset folder (no {DatasetManifest.FileName} in it).")
                .MustBeDatasetFolder(paths)
                .OverridePropertyName("folder"))
            .When(c => !string.IsNullOrWhiteSpace(c.Folder))
            .OverridePropertyName("folder");
        RuleFor(c => c.Message).MaximumLength(2000).OverridePropertyName("message");
    }
}

public sealed class CreateDatasetVersionHandler(TrackingDbContext db, BlobStore store, BlobStoreGate gate)
    : ICommandHandler<CreateDatasetVersionCommand, CreatedDatasetVersion>
{
    public async ValueTask<CreatedDatasetVersion> Handle(CreateDatasetVersionCommand command, CancellationToken cancellationToken)
    {
        // Held from the first blob write to the commit of the rows referencing them, so GC in this process cannot
        // collect a blob in between (other processes rely on the grace period and the touch on re-use).
        using var _ = await gate.EnterAsync(cancellationToken);

        var ingested = await Task.Run(() => DatasetIngest.Run(command.Folder, store, command.Progress, cancellationToken), cancellationToken);
        var manifestBlob = store.PutBytes(ingested.Manifest.ToJsonBytes());

        // Another process may record a version of the same dataset between our read of the latest version and
        // our insert; the unique (dataset, number) index refuses the second, and we look again.
        for (var attempt = 1; ; attempt++)
        {
            var latest = await db.DatasetVersions.AsNoTracking()
                .Where(v => v.DatasetName == command.Name)
                .OrderByDescending(v => v.Number)
                .FirstOrDefaultAsync(cancellationToken);
            if (latest is not null && latest.ContentIdentity == ingested.Manifest.ContentIdentity)
                return new CreatedDatasetVersion(DatasetVersionSummary.From(latest), Reused: true, NewBlobs: 0);

            var version = NewVersion(command, ingested, manifestBlob, latest);
            try
            {
                await Record(version, isNewDataset: latest is null, cancellationToken);
                return new CreatedDatasetVersion(DatasetVersionSummary.From(version), Reused: false, NewBlobs: ingested.NewImageBlobs);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                db.ChangeTracker.Clear();
            }
            catch (DbUpdateException e)
            {
                throw new InvalidOperationException(
                    $"Could not record version {version.Number} of dataset '{command.Name}' after {attempt} attempts: {e.InnerException?.Message ?? e.Message}", e);
            }
        }
    }

    // One transaction: the version row and all its blob references exist together or not at all.
    private async Task Record(DatasetVersionRecord version, bool isNewDataset, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (isNewDataset && !await db.Datasets.AnyAsync(d => d.Name == version.DatasetName, ct))
            db.Datasets.Add(new DatasetRecord { Name = version.DatasetName, CreatedAtUtc = version.CreatedAtUtc });
        db.DatasetVersions.Add(version);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    private static DatasetVersionRecord NewVersion(CreateDatasetVersionCommand command, IngestedDataset ingested, BlobWrite manifestBlob, DatasetVersionRecord? latest) => new()
    {
        Id = Guid.NewGuid(),
        DatasetName = command.Name,
        Number = (latest?.Number ?? 0) + 1,
        ManifestBlob = manifestBlob.Sha,
        SourceManifestBlob = ingested.Manifest.SourceManifest,
        ContentIdentity = ingested.Manifest.ContentIdentity,
        CreatedAtUtc = DateTime.UtcNow,
        ParentVersionId = latest?.Id,
        Message = string.IsNullOrWhiteSpace(command.Message) ? null : command.Message,
        SourceFolder = Truncate(ingested.Folder, 1000),
        SampleCount = ingested.Manifest.Samples.Count,
        ClassCountsJson = JsonSerializer.Serialize(ingested.Manifest.ClassCounts),
        NewBlobCount = ingested.NewImageBlobs,
        BlobCount = ingested.Manifest.BlobCount,
        TotalBytes = ingested.Manifest.TotalBytes,
        Blobs = ingested.Blobs.Append(manifestBlob).DistinctBy(b => b.Sha)
            .Select(b => new DatasetVersionBlob { BlobSha = b.Sha, Bytes = b.Bytes }).ToList(),
    };

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
