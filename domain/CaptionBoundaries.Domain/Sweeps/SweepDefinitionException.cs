namespace CaptionBoundaries.Domain.Sweeps;

/// <summary>One problem in a sweep definition, at a dotted path such as <c>parameters.lr.min</c>.</summary>
public sealed record SweepDefinitionError(string Path, string Message)
{
    public override string ToString() => Message.StartsWith(Path, StringComparison.Ordinal) ? Message : $"{Path}: {Message}";
}

/// <summary>Every problem found in a sweep definition, reported together so one edit can fix them all.</summary>
public sealed class SweepDefinitionException(IReadOnlyList<SweepDefinitionError> errors)
    : Exception("Invalid sweep definition:" + string.Concat(errors.Select(e => Environment.NewLine + "  " + e)))
{
    public IReadOnlyList<SweepDefinitionError> Errors { get; } = errors;
}
