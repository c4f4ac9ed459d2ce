using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;

namespace CaptionBoundaries.Application.Features.Experiments;

/// <summary>
/// The shapes a run's tag keys and values, notes and artifact paths must have: the tracking database's column limits
/// (MLflow's own), printable keys, and <see cref="ArtifactPath"/>'s rules, each refusal naming its field.
/// </summary>
public static class RunRecordRules
{
    /// <summary>The note column's length (<see cref="Experiment.Note"/>).</summary>
    public const int MaxNoteLength = 20_000;

    public static IRuleBuilderOptions<T, string> MustBeTagKey<T>(this IRuleBuilder<T, string> rule, string field = "key") =>
        rule.Must(k => !string.IsNullOrWhiteSpace(k)).WithMessage("A tag key is required.")
            .Must(k => k is null || k.Length <= TrackingDbContext.MaxKeyLength)
            .WithMessage(k => $"A tag key is at most {TrackingDbContext.MaxKeyLength} characters.")
            .Must(k => k is null || !k.Any(char.IsControl)).WithMessage("A tag key may not hold control characters.")
            .Must(k => k is null || (!Domain.Tracking.RunLogBatch.IsReserved(k) && k != Domain.Tracking.RunLogBatch.NoteTag))
            .WithMessage(k => $"'{Domain.Tracking.RunLogBatch.ReservedPrefix}…' tags are the trainer's, and the note has its own field.")
            .OverridePropertyName(field);

    public static IRuleBuilderOptions<T, string> MustBeTagValue<T>(this IRuleBuilder<T, string> rule, string field = "value") =>
        rule.NotNull().WithMessage("A tag value is required (it may be empty).")
            .MaximumLength(TrackingDbContext.MaxTagValueLength)
            .WithMessage($"A tag value is at most {TrackingDbContext.MaxTagValueLength} characters.")
            .OverridePropertyName(field);

    /// <summary>A path <see cref="ArtifactPath.Normalize"/> accepts; its refusal says what is wrong with it.</summary>
    public static IRuleBuilderOptionsConditions<T, string> MustBeArtifactPath<T>(this IRuleBuilder<T, string> rule, string field = "path") =>
        rule.Custom((path, context) => Check(path, () => ArtifactPath.Normalize(path, field), field, context));

    /// <summary>A folder to list (empty for the root) that <see cref="ArtifactPath.NormalizeFolder"/> accepts.</summary>
    public static IRuleBuilderOptionsConditions<T, string?> MustBeArtifactFolder<T>(this IRuleBuilder<T, string?> rule, string field = "path") =>
        rule.Custom((folder, context) => Check(folder, () => ArtifactPath.NormalizeFolder(folder, field), field, context));

    // An absolute path ('/etc/passwd') would be stored as a relative one; it is refused instead, so nobody is misled
    // into thinking it reached the server's file system.
    private static void Check<T>(string? path, Func<string> normalize, string field, ValidationContext<T> context)
    {
        if (path is not null && (path.StartsWith('/') || path.StartsWith('\\')))
        {
            context.AddFailure(field, $"The artifact path '{path}' is absolute; give a path relative to the run.");
            return;
        }
        try
        {
            normalize();
        }
        catch (DomainException e)
        {
            context.AddFailure(field, e.Message);
        }
    }
}
