using FluentValidation;

namespace CaptionBoundaries.Application.Features.Inference;

/// <summary>The checks every request that reads a checkpoint file and a dataset folder makes, with the same words.</summary>
public static class InputPathRules
{
    public static IRuleBuilderOptions<T, string> MustBeCheckpointFile<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(p => !string.IsNullOrWhiteSpace(p) && File.Exists(p))
            .WithMessage((_, path) => string.IsNullOrWhiteSpace(path) ? "'{PropertyName}' must not be empty." : $"Checkpoint '{path}' does not exist.");

    public static IRuleBuilderOptions<T, string> MustBeDatasetFolder<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(f => !string.IsNullOrWhiteSpace(f) && File.Exists(Path.Combine(f, "manifest.json")))
            .WithMessage((_, folder) => $"'{folder}' is not a dataset folder (no manifest.json in it).");
}
