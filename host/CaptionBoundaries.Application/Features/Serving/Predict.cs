using CaptionBoundaries.Application.Features.Registry;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Security;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.Serving;

/// <summary>
/// Classifies samples sent as bytes (never server paths) with the model's route, or with <see cref="PredictOptions.Version"/>;
/// every answer names the version that gave it. <see cref="Batch"/> only changes how fields are named in errors
/// (<c>instances[3].frame1</c> rather than <c>frame1</c>).
/// </summary>
[RequiresRole(Roles.Viewer)]
[NotAudited]
public sealed record PredictCommand(string Model, IReadOnlyList<PredictionInput> Samples, PredictOptions Options, bool Batch = false)
    : IModelRequest, ICommand<PredictionBatch>;

/// <summary>The answers in request order, the version that gave them, and the server-side time of the request.</summary>
public sealed record PredictionBatch(string Model, int Version, IReadOnlyList<PredictionOutput> Predictions, double LatencyMs);

public sealed class PredictValidator : AbstractValidator<PredictCommand>
{
    public PredictValidator(LimitsOptions limits)
    {
        RuleFor(c => c.Model).MustBeModelName().OverridePropertyName("model");
        RuleFor(c => c.Samples).NotNull().Must(s => s is { Count: > 0 })
            .WithMessage("At least one sample is required.").OverridePropertyName("instances");
        RuleFor(c => c.Samples).Must(s => s is null || s.Count <= limits.MaxPredictSamples)
            .WithMessage(c => $"A request holds at most {limits.MaxPredictSamples} samples (Limits:MaxPredictSamples); got {c.Samples.Count}.")
            .OverridePropertyName("instances");
        RuleFor(c => c.Options.RoutingKey).MaximumLength(256).OverridePropertyName("key");
        RuleFor(c => c.Options.Version).GreaterThan(0).When(c => c.Options.Version is not null).OverridePropertyName("version");
        RuleFor(c => c).Custom((c, context) =>
        {
            if (c.Samples is null || c.Samples.Count > limits.MaxPredictSamples) return;
            for (var i = 0; i < c.Samples.Count; i++)
            {
                var prefix = c.Batch ? $"instances[{i}]." : "";
                foreach (var (field, message) in SampleProblems(c.Samples[i])) context.AddFailure(prefix + field, message);
            }
        });
    }

    /// <summary>Every problem of one sample, by field: shapes and ranges only (decoding is the predictor's, with the same rules).</summary>
    public static IEnumerable<(string Field, string Message)> SampleProblems(PredictionInput? sample)
    {
        if (sample is null)
        {
            yield return ("", "The sample is missing.");
            yield break;
        }
        foreach (var (field, image) in new[] { ("frame1", sample.Frame1), ("frame2", sample.Frame2), ("ocr_viz", sample.OcrViz) })
            if (ImageProblem(image) is { } problem) yield return (field, problem);
        if (sample.SpatialFeatures is not { Length: TaskSpec.SpatialFeatureCount })
            yield return ("spatial_features", $"spatial_features must have exactly {TaskSpec.SpatialFeatureCount} values, got {sample.SpatialFeatures?.Length ?? 0}.");
        else if (sample.SpatialFeatures.Any(v => !float.IsFinite(v)))
            yield return ("spatial_features", "spatial_features must be finite numbers.");
        if (sample.CaptionBox is { } box
            && (box.Length != 4 || box.Any(v => !float.IsFinite(v) || v < 0 || v > 1) || box[0] >= box[2] || box[1] >= box[3]))
            yield return ("caption_box", "caption_box must be [x0, y0, x1, y1] normalised to [0, 1] with x0 < x1 and y0 < y1, or absent.");
        if (sample.FontEmbedding is { } embedding
            && (embedding.Length != TaskSpec.FontEmbeddingDimension || embedding.Any(v => !float.IsFinite(v))))
            yield return ("font_embedding", $"font_embedding must be {TaskSpec.FontEmbeddingDimension} finite numbers, or absent (then the model's embedder computes it from the caption box).");
    }

    private static string? ImageProblem(InputImage? image) => image switch
    {
        null or { Encoded: null or { Length: 0 }, Pixels: null } => "The image is required: its PNG or JPEG bytes (server paths are not accepted).",
        { Encoded: { Length: > 0 } bytes } when bytes.Length > InputLimits.MaxImageBytes =>
            $"The image is {bytes.Length:N0} bytes; at most {InputLimits.MaxImageBytes:N0} are accepted.",
        { Encoded: { Length: > 0 } } => null,
        { Height: < 1 } or { Width: < 1 } => "Pixel values need the image's height and width.",
        { Height: var h, Width: var w } when (long)h * w > InputLimits.MaxImagePixels =>
            $"The image is {w} x {h} pixels; at most {InputLimits.MaxImagePixels:N0} pixels are accepted.",
        { Pixels: { } p, Height: var h, Width: var w } when p.Length != 3L * h * w =>
            $"A {h} x {w} RGB image has {3L * h * w} values; got {p.Length}.",
        _ => null,
    };
}

public sealed class PredictHandler(IGrainFactory grains, PredictionAttempt attempt) : ICommandHandler<PredictCommand, PredictionBatch>
{
    public async ValueTask<PredictionBatch> Handle(PredictCommand command, CancellationToken ct)
    {
        // From here on the predictor grain counts this request (answer or failure), not the edge.
        attempt.Reached();
        PredictionOutput[] outputs;
        try
        {
            outputs = await grains.GetGrain<IPredictorGrain>(command.Model).Predict([.. command.Samples], command.Options);
        }
        catch (Exception e) when (e is SiloUnavailableException or OrleansMessageRejectionException)
        {
            attempt.NotDelivered();
            throw;
        }
        catch (DomainException e) when (e.Kind == DomainErrorKind.NotFound)
        {
            // A model that does not exist gets the words a private model gets from the visibility check, so the two cannot
            // be told apart (the predictor alone would say "has no active version"). Asked only on this error path.
            if (!(await grains.GetGrain<IModelCatalogGrain>(0).List()).Contains(command.Model))
                throw DomainException.NotFound($"No model named '{command.Model}' is registered.");
            throw;
        }
        return new PredictionBatch(command.Model, outputs[0].Version, outputs, outputs[0].LatencyMs);
    }
}
