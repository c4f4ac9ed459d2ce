using Microsoft.AspNetCore.Identity;
using CaptionBoundaries.Domain.Security;

namespace CaptionBoundaries.Infrastructure.Security;

/// <summary>An account (ASP.NET Core Identity, stored in the tracking database beside everything it owns).</summary>
public sealed class AppUser : IdentityUser
{
    public DateTime CreatedAtUtc { get; set; }
}
