using FluentValidation.Results;

namespace CaptionBoundaries.Ui.Sweeps;

/// <summary>A problem in the sweep definition, at its dotted path (<c>parameters.lr.min</c>), with the path taken off the message.</summary>
public sealed record DefinitionProblem(string Path, string Message);

/// <summary>
/// Sorts the start command's validation failures onto the form: <c>definition.&lt;path&gt;</c> failures become
/// <see cref="DefinitionProblem"/>s shown under the definition, the base settings' failures go under their input
/// (keyed like TrainModelValidator reports them), anything else to the form as a whole.
/// </summary>
public sealed class SweepFormErrors
{
    public const string Definition = "definition";
    public const string Architecture = "architecture";
    public const string Dataset = "dataset";
    public const string Epochs = "epochs";
    public const string ImageSize = "image_size";
    public const string BatchSize = "batch_size";

    private static readonly HashSet<string> Fields = [Architecture, Dataset, Epochs, ImageSize, BatchSize];

    public List<DefinitionProblem> DefinitionProblems { get; } = [];
    public Dictionary<string, List<string>> FieldErrors { get; } = [];
    public List<string> Other { get; } = [];

    public bool Any => DefinitionProblems.Count > 0 || FieldErrors.Count > 0 || Other.Count > 0;

    public static SweepFormErrors From(IEnumerable<ValidationFailure> failures)
    {
        var errors = new SweepFormErrors();
        foreach (var failure in failures)
        {
            var property = failure.PropertyName ?? "";
            if (property == Definition || property.StartsWith(Definition + ".", StringComparison.Ordinal))
            {
                var path = property == Definition ? "" : property[(Definition.Length + 1)..];
                errors.DefinitionProblems.Add(new DefinitionProblem(path, WithoutPath(failure.ErrorMessage, path)));
                continue;
            }
            var field = property switch
            {
                "image_height" or "image_width" => ImageSize,
                "dataset_folder" => Dataset,
                _ => property,
            };
            if (Fields.Contains(field))
            {
                if (!errors.FieldErrors.TryGetValue(field, out var list)) errors.FieldErrors[field] = list = [];
                if (!list.Contains(failure.ErrorMessage)) list.Add(failure.ErrorMessage);
            }
            else errors.Other.Add(property.Length == 0 ? failure.ErrorMessage : $"{property}: {failure.ErrorMessage}");
        }
        return errors;
    }

    /// <summary>"parameters.lr.min must be &lt; max" at parameters.lr.min reads "must be &lt; max" next to the path.</summary>
    public static string WithoutPath(string message, string path)
    {
        if (path.Length == 0 || !message.StartsWith(path, StringComparison.Ordinal)) return message;
        var rest = message[path.Length..].TrimStart(':', ' ');
        return rest.Length == 0 ? message : rest;
    }
}
