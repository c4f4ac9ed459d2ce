using CaptionBoundaries.Application.Features.Benchmarks;
using CaptionBoundaries.Application.Features.Datasets;
using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Application.Features.Registry;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Security.Paths;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Security.Paths;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.Serving;

/// <summary>
/// The dataset a served version was trained on (the validation split of its run), for trying the version on samples it
/// was validated with. Only a run the caller may see counts; otherwise <see cref="VersionDataset.Unavailable"/> says
/// why and the caller picks a dataset under <c>datasets/</c> instead (<see cref="GetValidationSampleQuery.DatasetFolder"/>).
/// </summary>
[RequiresRole(Roles.Viewer)]
public sealed record GetVersionDatasetQuery(string Model, int? Version = null) : IModelRequest, IQuery<VersionDataset>;

/// <param name="Version">The version asked for, or the active one.</param>
/// <param name="Unavailable">Why there is no run dataset to pick from; null when <see cref="DatasetName"/> is usable.</param>
public sealed record VersionDataset(string Model, int Version, Guid? ExperimentId, string? DatasetName, int ValidationSamples, string? Unavailable);

/// <summary>
/// One validation sample as prediction input (the image files' bytes, never their paths) with its label: from the
/// run of <see cref="Version"/> (null: the active version), or, when <see cref="DatasetFolder"/> is given, from that
/// dataset folder under <c>datasets/</c> (its name, as <c>ListDatasetsQuery</c> lists it).
/// </summary>
[RequiresRole(Roles.Viewer)]
public sealed record GetValidationSampleQuery(string Model, int? Version, string? DatasetFolder, int Index) : IModelRequest, IQuery<ValidationSampleInput>;

/// <param name="Source">Where the sample came from, for people: "run 1a2b3c4d" or "datasets/demo".</param>
public sealed record ValidationSampleInput(
    string DatasetName, string Source, int Index, int ValidationSamples, string SampleId, string TrueClass, PredictionInput Input);

public sealed class GetVersionDatasetValidator : AbstractValidator<GetVersionDatasetQuery>
{
    public GetVersionDatasetValidator()
    {
        RuleFor(q => q.Model).MustBeModelName().OverridePropertyName("model");
        RuleFor(q => q.Version).GreaterThan(0).When(q => q.Version is not null).OverridePropertyName("version");
    }
}

public sealed class GetValidationSampleValidator : AbstractValidator<GetValidationSampleQuery>
{
    public GetValidationSampleValidator()
    {
        RuleFor(q => q.Model).MustBeModelName().OverridePropertyName("model");
        RuleFor(q => q.Version).GreaterThan(0).When(q => q.Version is not null).OverridePropertyName("version");
        RuleFor(q => q.Index).GreaterThanOrEqualTo(0).OverridePropertyName("index");
        RuleFor(q => q.DatasetFolder).MaximumLength(255).OverridePropertyName("dataset");
    }
}

public sealed class ValidationSampleHandlers(
    IGrainFactory grains, TrackingDbContext db, ActorContext actors, CaptionBoundariesOptions options, RequestPaths paths) :
    IQueryHandler<GetVersionDatasetQuery, VersionDataset>,
    IQueryHandler<GetValidationSampleQuery, ValidationSampleInput>
{
    public async ValueTask<VersionDataset> Handle(GetVersionDatasetQuery query, CancellationToken ct)
    {
        var (version, run, unavailable) = await RunOf(query.Model, query.Version, ct);
        if (run is null) return new VersionDataset(query.Model, version.Version, version.ExperimentId, null, 0, unavailable);
        var count = ValidationSplit(Manifest(run.DatasetPath)).Count;
        return count == 0
            ? new VersionDataset(query.Model, version.Version, run.Id, run.DatasetName, 0, $"The dataset of run {Short(run.Id)} ({run.DatasetName}) has no validation samples: pick a dataset.")
            : new VersionDataset(query.Model, version.Version, run.Id, run.DatasetName, count, null);
    }

    public async ValueTask<ValidationSampleInput> Handle(GetValidationSampleQuery query, CancellationToken ct)
    {
        string folder, source;
        if (!string.IsNullOrWhiteSpace(query.DatasetFolder))
        {
            // A name under datasets/ (from the listing), canonicalised and confined like any path a request names.
            folder = paths.DatasetFolder(DatasetFolders.Resolve(options, query.DatasetFolder.Trim()), "dataset");
            source = $"datasets/{Path.GetFileName(folder)}";
        }
        else
        {
            var (_, run, unavailable) = await RunOf(query.Model, query.Version, ct);
            if (run is null) throw DomainException.NotFound(unavailable ?? "The version's run is not available.");
            folder = run.DatasetPath;
            source = $"run {Short(run.Id)}";
        }
        var manifest = Manifest(folder);
        var validation = ValidationSplit(manifest);
        if (validation.Count == 0) throw DomainException.Invalid($"The dataset {manifest.Name} ({source}) has no validation samples.");
        if (query.Index >= validation.Count)
            throw DomainException.Invalid(
                $"Validation sample {query.Index} does not exist: the validation split of {manifest.Name} has {validation.Count} samples (0..{validation.Count - 1}).");
        var sample = validation[query.Index];
        var input = new PredictionInput(Image(folder, sample, "frame1", sample.Frame1), Image(folder, sample, "frame2", sample.Frame2),
            Image(folder, sample, "ocr_viz", sample.OcrViz), sample.SpatialFeatures, sample.CaptionBox);
        return new ValidationSampleInput(manifest.Name, source, query.Index, validation.Count, sample.Id, sample.Label, input);
    }

    /// <summary>The version (asked for, or active) and its run when the caller may see it, else why not.</summary>
    private async Task<(ModelVersionInfo Version, Experiment? Run, string? Unavailable)> RunOf(string model, int? asked, CancellationToken ct)
    {
        var info = await ServedModelLookup.InfoAsync(grains, model);
        var number = asked ?? info.ActiveVersion
            ?? throw DomainException.NotFound($"Model '{model}' has no active version: pick a version.");
        var version = ServedModelLookup.Versions(info, [number])[0];
        if (version.ExperimentId is not { } id)
            return (version, null, $"Version {number} of '{model}' was not trained in a tracked run (an uploaded checkpoint): pick a dataset.");
        Experiment run;
        try
        {
            run = await ExperimentLookup.FindAsync(db, id.ToString("N"), actors.Current, ct);
        }
        catch (DomainException e) when (e.Kind == DomainErrorKind.NotFound)
        {
            // Another account's private run: the lineage id is on the model card already, its data is not.
            return (version, null, $"Version {number} of '{model}' was trained in a run you cannot see: pick a dataset.");
        }
        if (!File.Exists(DatasetManifest.ManifestPath(run.DatasetPath)))
            return (version, null, $"The dataset of run {Short(run.Id)} ({run.DatasetName}) is no longer on the server: pick a dataset.");
        return (version, run, null);
    }

    private static DatasetManifest Manifest(string folder) =>
        DatasetManifest.Parse(BoundedFile.ReadAllBytes(DatasetManifest.ManifestPath(folder), InputLimits.MaxManifestBytes, "Dataset manifest"));

    // The same order as the run's validation split (manifest order), so index n here is sample n on the run's page.
    private static List<DatasetManifestSample> ValidationSplit(DatasetManifest manifest) =>
        manifest.Samples.Where(s => s.Split == DatasetSplit.Validation).ToList();

    /// <summary>An image's bytes, read with the image cap; a link that leads out of the dataset folder is refused.</summary>
    private static InputImage Image(string folder, DatasetManifestSample sample, string field, string relative)
    {
        var path = DatasetManifest.ResolveImagePath(folder, sample, field, relative);
        if (!File.Exists(path)) throw DatasetFormatException.ForSample(sample.Id, field, $"image file '{relative}' does not exist.");
        if (!CanonicalPath.IsUnder(CanonicalPath.Of(path), CanonicalPath.Of(folder)))
            throw DatasetFormatException.ForSample(sample.Id, field, $"'{relative}' leads out of the dataset folder.");
        return InputImage.FromEncoded(BoundedFile.ReadAllBytes(path, InputLimits.MaxImageBytes, "Image"));
    }

    private static string Short(Guid id) => id.ToString("N")[..8];
}
