using CaptionBoundaries.Application.Features.Inference;
using CaptionBoundaries.Application.Security.Paths;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Application.Features.Models;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Grains;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.Serving;

/// <summary>Classifies one sample with the model's active version; the answer names that version.</summary>
[RequiresRole(Roles.Viewer)]
[NotAudited]
public sealed record PredictCommand(
    string Model,
    string Frame1Path,
    string Frame2Path,
    string OcrVizPath,
    float[] SpatialFeatures,
    float[]? CaptionBox = null) : IModelRequest, ICommand<PredictionOutput>;

public sealed class PredictValidator : AbstractValidator<PredictCommand>
{
    public PredictValidator(RequestPaths paths)
    {
        RuleFor(c => c.Model).MustBeModelName().OverridePropertyName("model");
        RuleFor(c => c.Frame1Path).MustBeReadableFile(paths, "Image").OverridePropertyName("frame1");
        RuleFor(c => c.Frame2Path).MustBeReadableFile(paths, "Image").OverridePropertyName("frame2");
        RuleFor(c => c.OcrVizPath).MustBeReadableFile(paths, "Image").OverridePropertyName("ocr_viz");
        RuleFor(c => c.SpatialFeatures).NotNull()
            .Must(f => f is { Length: TaskSpec.SpatialFeatureCount })
            .WithMessage(c => $"spatial_features must have exactly {TaskSpec.SpatialFeatureCount} values, got {c.SpatialFeatures?.Length ?? 0}.")
            .OverridePropertyName("spatial_features");
        RuleFor(c => c.CaptionBox).Must(b => b is null || b.Length == 4)
            .WithMessage("caption_box must be [x0, y0, x1, y1] (normalised) or absent.").OverridePropertyName("caption_box");
    }
}

public sealed class PredictHandler(IGrainFactory grains, RequestPaths paths) : ICommandHandler<PredictCommand, PredictionOutput>
{
    // The predictor reads the canonical paths (links resolved) that were checked, not the text that was sent.
    public async ValueTask<PredictionOutput> Handle(PredictCommand command, CancellationToken ct) =>
        await grains.GetGrain<IPredictorGrain>(command.Model).Predict(new PredictionInput(
            paths.File(command.Frame1Path, "frame1", "Image"), paths.File(command.Frame2Path, "frame2", "Image"),
            paths.File(command.OcrVizPath, "ocr_viz", "Image"), command.SpatialFeatures, command.CaptionBox));
}
