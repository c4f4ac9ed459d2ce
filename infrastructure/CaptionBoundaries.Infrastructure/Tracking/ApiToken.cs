using CaptionBoundaries.Domain.Tracking;
namespace CaptionBoundaries.Infrastructure.Tracking;

/// <summary>
/// A personal API token. Only its SHA-256 is stored: the token itself is shown once, when created.
/// <see cref="Prefix"/> (the first characters) lets a user tell their tokens apart.
/// </summary>
public sealed class ApiToken
{
    public Guid Id { get; set; }
    public required string UserId { get; set; }
    public required string UserName { get; set; }
    public required string Name { get; set; }
    public required string Prefix { get; set; }
    public required string Sha256 { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime ExpiresAtUtc { get; set; }
    public DateTime? RevokedAtUtc { get; set; }
    public DateTime? LastUsedAtUtc { get; set; }
}
