namespace CaptionBoundaries.Application.Registry;

/// <summary>One change to a served model (register, switch, rollback, alias move, promote, archive): who, what, when, why.</summary>
public sealed class ModelChange
{
    public long Id { get; set; }
    public required string ModelName { get; set; }
    public required string Kind { get; set; }
    public int Version { get; set; }
    public int? PreviousVersion { get; set; }

    /// <summary>The alias moved, for alias changes (production moves with every switch).</summary>
    public string? Alias { get; set; }

    public required string Actor { get; set; }
    public required string Reason { get; set; }
    public DateTime AtUtc { get; set; }
}
