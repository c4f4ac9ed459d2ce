using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CaptionBoundaries.Infrastructure.Security;

public static class AccountsRegistration
{
    /// <summary>
    /// Identity over the tracking database, API tokens, the audit log and the request's actor. The actor defaults to
    /// the local operator (the CLI); the server replaces <see cref="DefaultActor"/> with anonymous and sets the actor
    /// of each request from its credentials.
    /// </summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new DefaultActor(Actor.LocalOperator));
        services.AddScoped<ActorContext>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<PrivateModels>();
        services.AddScoped<ApiTokenService>();
        services.AddScoped<AccountSessions>();
        services.AddIdentityCore<AppUser>(o =>
            {
                // Length over character classes (NIST SP 800-63B): 12 characters, no composition rules.
                o.Password.RequiredLength = 12;
                o.Password.RequiredUniqueChars = 4;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireDigit = false;
                o.User.RequireUniqueEmail = false;
                o.Lockout.MaxFailedAccessAttempts = 10;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<TrackingDbContext>();
        return services;
    }
}
