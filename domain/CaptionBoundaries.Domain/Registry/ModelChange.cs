namespace CaptionBoundaries.Domain.Registry;

/// <summary>One change to a served model (register, switch, rollback, alias move, promote, archive, canary/shadow steps): who, what, when, why.</summary>
public sealed class ModelChange
{
    public long Id { get; set; }
    public required string ModelName { get; set; }
    public required string Kind { get; set; }
    public int Version { get; set; }
    public int? PreviousVersion { get; set; }

    /// <summary>The alias moved, for alias changes (production moves with every switch).</summary>
    public string? Alias { get; set; }

    /// <summary>A canary's share of requests after the change (canary start, share, abort); null for every other change.</summary>
    public int? SharePercent { get; set; }

    /// <summary>The canary's share before a share change.</summary>
    public int? PreviousSharePercent { get; set; }

    public required string Actor { get; set; }
    public required string Reason { get; set; }
    public DateTime AtUtc { get; set; }
}
