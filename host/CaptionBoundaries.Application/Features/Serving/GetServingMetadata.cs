using System.Text.Json;
using CaptionBoundaries.Application.Features.Benchmarks;
using CaptionBoundaries.Application.Features.Registry;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Checkpoints;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Serving;

/// <summary>
/// What a serving client needs before it predicts: the versions it may name, the version that answers (the one asked
/// for, else the active one), whether that version can answer now, and its input size. Private models are "not found"
/// for others (<see cref="IModelRequest"/>), as for predictions.
/// </summary>
[RequiresRole(Roles.Viewer)]
public sealed record GetServingMetadataQuery(string Model, int? Version = null) : IModelRequest, IQuery<ServingMetadata>;

/// <param name="Version">The version described: the one asked for, else the active one, else (nothing serves yet) the newest servable one.</param>
/// <param name="Ready">A prediction for this model (and version, when one was asked for) would be answered now.</param>
/// <param name="Versions">Registered, not archived versions: the ones a request may ask for.</param>
/// <param name="ImageHeight">The input size of <paramref name="Version"/>, from its checkpoint: images are resized to it.</param>
public sealed record ServingMetadata(string Model, int Version, bool Ready, int? ActiveVersion, string Architecture,
    int ImageHeight, int ImageWidth, IReadOnlyList<int> Versions);

public sealed class GetServingMetadataValidator : AbstractValidator<GetServingMetadataQuery>
{
    public GetServingMetadataValidator()
    {
        RuleFor(q => q.Model).MustBeModelName().OverridePropertyName("model");
        RuleFor(q => q.Version).GreaterThan(0).When(q => q.Version is not null).OverridePropertyName("version");
    }
}

public sealed class GetServingMetadataHandler(IGrainFactory grains, TrackingDbContext db) : IQueryHandler<GetServingMetadataQuery, ServingMetadata>
{
    public async ValueTask<ServingMetadata> Handle(GetServingMetadataQuery query, CancellationToken ct)
    {
        var info = await ServedModelLookup.InfoAsync(grains, query.Model);
        var archived = info.ArchivedVersions ?? [];
        var servable = info.Versions.Where(v => !archived.Contains(v.Version)).OrderBy(v => v.Version).ToList();
        var described = query.Version is { } asked
            ? servable.FirstOrDefault(v => v.Version == asked)
              ?? throw DomainException.NotFound($"Model '{query.Model}' has no version {asked} that can serve (not registered, or archived).")
            : servable.FirstOrDefault(v => v.Version == info.ActiveVersion) ?? servable.LastOrDefault()
              ?? throw DomainException.NotFound($"Model '{query.Model}' has no version that can serve (every version is archived).");
        // The predictor resolves the active version before it looks at the asked one, so nothing answers without one.
        var ready = info.ActiveVersion is not null;
        var (height, width) = await InputSizeAsync(query.Model, described, ct);
        return new ServingMetadata(query.Model, described.Version, ready, info.ActiveVersion, described.ArchitectureName, height, width,
            servable.Select(v => v.Version).ToList());
    }

    /// <summary>
    /// The registry recorded each version's inference config (its checkpoint's input size) when it was registered; a
    /// version without that row (none should exist) has its checkpoint's header read instead.
    /// </summary>
    private async Task<(int Height, int Width)> InputSizeAsync(string model, ModelVersionInfo version, CancellationToken ct)
    {
        var config = await db.ModelVersions.AsNoTracking()
            .Where(v => v.ModelName == model && v.Version == version.Version)
            .Select(v => v.InferenceConfigJson).FirstOrDefaultAsync(ct);
        if (config is not null)
        {
            using var json = JsonDocument.Parse(config);
            if (json.RootElement.TryGetProperty("image_height", out var h) && json.RootElement.TryGetProperty("image_width", out var w)
                && h.TryGetInt32(out var height) && w.TryGetInt32(out var width))
                return (height, width);
        }
        var metadata = await Task.Run(() => CheckpointFile.ReadMetadata(version.CheckpointPath), ct);
        return (metadata.ImageHeight, metadata.ImageWidth);
    }
}
