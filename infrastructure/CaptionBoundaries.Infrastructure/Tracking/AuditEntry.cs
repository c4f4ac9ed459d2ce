using CaptionBoundaries.Domain.Tracking;
namespace CaptionBoundaries.Infrastructure.Tracking;

/// <summary>One change someone made or tried to make: who, from where, what, when, and how it ended.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTime AtUtc { get; set; }
    public required string Actor { get; set; }
    public required string Roles { get; set; }
    public string? RemoteAddress { get; set; }
    public required string Action { get; set; }
    public required string Details { get; set; }

    /// <summary>"ok", "denied: …" or "failed: …".</summary>
    public required string Outcome { get; set; }
}
