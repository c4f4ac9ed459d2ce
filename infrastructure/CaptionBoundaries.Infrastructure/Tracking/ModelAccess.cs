using CaptionBoundaries.Domain.Tracking;
namespace CaptionBoundaries.Infrastructure.Tracking;

/// <summary>Who owns a served model and whether others may see it (a private model is found by its owner and admins only).</summary>
public sealed class ModelAccess
{
    public required string ModelName { get; set; }
    public required string Owner { get; set; }
    public bool IsPrivate { get; set; }
    public DateTime ChangedAtUtc { get; set; }
}
