using CaptionBoundaries.Domain.Security.Paths;
using CaptionBoundaries.Infrastructure.Security.Paths;
using FluentValidation;

namespace CaptionBoundaries.Application.Features.Inference;

/// <summary>
/// The checks every request that names a file or a dataset folder makes, with the same words: through
/// <see cref="RequestPaths"/>, so an account reaches only the datasets folder and the runs it may see.
/// </summary>
public static class InputPathRules
{
    public static IRuleBuilderOptions<T, string?> MustBeReadableFile<T>(this IRuleBuilder<T, string?> rule, RequestPaths paths, string what) =>
        rule.Must(p => paths.FileProblem(p, what) is null).WithMessage((_, path) => paths.FileProblem(path, what));

    public static IRuleBuilderOptions<T, string?> MustBeCheckpointFile<T>(this IRuleBuilder<T, string?> rule, RequestPaths paths) =>
        rule.MustBeReadableFile(paths, "Checkpoint");

    public static IRuleBuilderOptions<T, string?> MustBeDatasetFolder<T>(this IRuleBuilder<T, string?> rule, RequestPaths paths) =>
        rule.Must(f => paths.DatasetFolderProblem(f) is null).WithMessage((_, folder) => paths.DatasetFolderProblem(folder));

    public static IRuleBuilderOptions<T, string?> MustBeNewFolder<T>(this IRuleBuilder<T, string?> rule, RequestPaths paths) =>
        rule.Must(f => paths.NewFolderProblem(f) is null).WithMessage((_, folder) => paths.NewFolderProblem(folder));
}
