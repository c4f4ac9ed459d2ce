using CaptionBoundaries.Domain.Security;
using Microsoft.AspNetCore.Identity;

namespace CaptionBoundaries.Infrastructure.Security;

/// <summary>An account (ASP.NET Core Identity, stored in the tracking database beside everything it owns).</summary>
public sealed class AppUser : IdentityUser
{
    public DateTime CreatedAtUtc { get; set; }
}
