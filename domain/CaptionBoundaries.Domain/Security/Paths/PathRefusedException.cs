namespace CaptionBoundaries.Domain.Security.Paths;

/// <summary>A path in a request names nothing the actor may use (missing, outside the allowed folders, or private): HTTP 400 naming the field.</summary>
public sealed class PathRefusedException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}
