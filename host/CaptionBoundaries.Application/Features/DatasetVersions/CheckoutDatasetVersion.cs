using CaptionBoundaries.Application.Features.Inference;
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
/// Writes a version out as a standard dataset folder (manifest.json + images) that training can use, verifying
/// every blob; the folder's dataset identity equals the version's content identity.
/// </summary>
[RequiresRole(Roles.Researcher)]
public sealed record CheckoutDatasetVersionCommand(string Name, int Version, string OutputFolder) : ICommand<CheckedOutDatasetVersion>
{
    public IProgress<DatasetHashingProgress>? Progress { get; init; }
}

public sealed record CheckedOutDatasetVersion(DatasetVersionSummary Version, string Folder, string Identity, int Files, long Bytes);

public sealed class CheckoutDatasetVersionValidator : AbstractValidator<CheckoutDatasetVersionCommand>
{
    public CheckoutDatasetVersionValidator(Infrastructure.Security.Paths.RequestPaths paths)
    {
        RuleFor(c => c.Name).MustBeDatasetName().OverridePropertyName("name");
        RuleFor(c => c.Version).GreaterThanOrEqualTo(1).OverridePropertyName("version");
        RuleFor(c => c.OutputFolder).NotEmpty().OverridePropertyName("output");
        RuleFor(c => c.OutputFolder)
            .Must(f => !File.Exists(f) && (!Directory.Exists(f) || !Directory.EnumerateFileSystemEntries(f).Any()))
            .When(c => !string.IsNullOrWhiteSpace(c.OutputFolder))
            .WithMessage(c => $"'{c.OutputFolder}' already exists and is not an empty folder; check out into a new or empty folder so nothing is overwritten.")
            .OverridePropertyName("output");
        RuleFor(c => c.OutputFolder).MustBeNewFolder(paths).When(c => !string.IsNullOrWhiteSpace(c.OutputFolder)).OverridePropertyName("output");
    }
}

public sealed class CheckoutDatasetVersionHandler(TrackingDbContext db, BlobStore store)
    : ICommandHandler<CheckoutDatasetVersionCommand, CheckedOutDatasetVersion>
{
    public async ValueTask<CheckedOutDatasetVersion> Handle(CheckoutDatasetVersionCommand command, CancellationToken cancellationToken)
    {
        var record = await DatasetVersionLookup.Find(db, command.Name, command.Version, cancellationToken);
        var result = await Task.Run(() => DatasetCheckout.Run(store, record.ManifestBlob, command.OutputFolder, command.Progress, cancellationToken), cancellationToken);
        return new CheckedOutDatasetVersion(DatasetVersionSummary.From(record), result.Folder, result.Identity, result.Files, result.Bytes);
    }
}
