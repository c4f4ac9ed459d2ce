using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Infrastructure.Security.Paths;
using FluentValidation;

namespace CaptionBoundaries.Bench.Asha;

/// <summary>
/// Refuses a bench that cannot run before anything is generated or trained; each failure names its option
/// (the CLI prints it as <c>--min-iter: …</c>).
/// </summary>
public sealed class AshaBenchRequestValidator : AbstractValidator<AshaBenchRequest>
{
    public AshaBenchRequestValidator(RequestPaths paths)
    {
        RuleFor(c => c.Trials).InclusiveBetween(1, 1000).OverridePropertyName("trials");
        RuleFor(c => c.Epochs).InclusiveBetween(2, 1000).OverridePropertyName("epochs");
        RuleFor(c => c.MinIter).GreaterThanOrEqualTo(1).LessThan(c => c.Epochs)
            .WithMessage(c => $"--min-iter must be at least 1 and below --epochs ({c.Epochs}), or ASHA has no rung to judge at.")
            .OverridePropertyName("min_iter");
        RuleFor(c => c.Eta).InclusiveBetween(2, 100).OverridePropertyName("eta");
        RuleFor(c => c.SamplesPerClass).InclusiveBetween(4, 100_000).When(c => c.DatasetFolder is null)
            .WithMessage("--samples must be at least 4 per class, so the validation split has every class.").OverridePropertyName("samples");
        RuleFor(c => c.ImageSize).InclusiveBetween(32, 2048).OverridePropertyName("image_size");
        RuleFor(c => c.BatchSize).InclusiveBetween(1, 4096).OverridePropertyName("batch_size");
        RuleFor(c => c.Repeats).InclusiveBetween(1, 100).OverridePropertyName("repeats");
        RuleFor(c => c.Architecture).NotEmpty().OverridePropertyName("architecture");
        RuleFor(c => c.Device).Matches(DeviceSelection.Pattern()).WithMessage("Device must be cpu, cuda or cuda:N.").OverridePropertyName("device");
        // The rule (and the words) every request naming a dataset folder uses: RequestPaths decides and explains.
        RuleFor(c => c.DatasetFolder).Must(f => paths.DatasetFolderProblem(f) is null).WithMessage((_, f) => paths.DatasetFolderProblem(f))
            .When(c => c.DatasetFolder is not null)
            .OverridePropertyName("dataset");
    }
}
