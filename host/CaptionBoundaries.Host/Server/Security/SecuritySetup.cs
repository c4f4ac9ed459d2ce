using System.Threading.RateLimiting;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CaptionBoundaries.Host.Server.Security;

/// <summary>
/// Who may call the server: API tokens (Bearer) for the CLI and scripts, the Identity cookie for the console,
/// nothing anonymous but the health check and the login page. The actor of each request is then what the handlers'
/// authorization and the audit log see.
/// </summary>
public static class SecuritySetup
{
    public const string RateLimitPolicy = "api";
    public const string ServingRateLimitPolicy = "serving";
    private const string SmartScheme = "TokenOrCookie";

    public static void AddServerSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();
        services.AddSingleton(options);
        // On the server nobody is trusted by default: the actor comes from the request's credentials.
        services.Replace(ServiceDescriptor.Singleton(new DefaultActor(Actor.Anonymous)));
        services.AddHttpContextAccessor();
        new IdentityBuilder(typeof(AppUser), typeof(IdentityRole), services).AddSignInManager();

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = SmartScheme;
                o.DefaultChallengeScheme = SmartScheme;
            })
            .AddPolicyScheme(SmartScheme, "API token or console cookie", o =>
                o.ForwardDefaultSelector = http => ApiTokenAuthenticationHandler.HasBearer(http.Request) || IsApi(http.Request)
                    ? ApiTokenAuthenticationHandler.Scheme
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.Scheme, null)
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.AccessDeniedPath = "/account/login";
            o.Cookie.Name = "cb.session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.ExpireTimeSpan = TimeSpan.FromHours(12);
            o.SlidingExpiration = true;
        });
        // The cookie is re-checked against the account's security stamp this often (Identity's default is 30 minutes):
        // disabling an account or changing its role renews the stamp, so its old cookies stop signing anyone in.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = options.SessionRevalidationInterval);
        services.AddAuthorization();
        services.AddCascadingAuthenticationState();
        // A live console page keeps the principal it connected with; this re-checks it on the same interval and signs
        // the page out (to the sign-in form) once the session no longer stands. Replace: whichever registers first.
        services.Replace(ServiceDescriptor.Scoped<AuthenticationStateProvider, SessionRevalidatingAuthenticationStateProvider>());

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(RateLimitPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.User.Identity?.IsAuthenticated == true ? "user:" + http.User.Identity.Name : "ip:" + http.Connection.RemoteIpAddress,
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.RateLimitPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            o.AddPolicy(ServingRateLimitPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                "serving:" + (http.User.Identity?.Name ?? http.Connection.RemoteIpAddress?.ToString()),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.PredictionsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(k =>
            k.Limits.MaxRequestBodySize = options.MaxUploadMegabytes * 1024L * 1024L);
    }

    /// <summary>Authentication, authorization, the request's actor, rate limits: after routing, before the endpoints.</summary>
    public static void UseServerSecurity(this IApplicationBuilder app)
    {
        app.UseAuthentication();
        app.Use(async (http, next) =>
        {
            http.RequestServices.GetRequiredService<ActorContext>().Current =
                ActorClaims.ToActor(http.User, http.Connection.RemoteIpAddress?.ToString());
            await next(http);
        });
        app.UseAuthorization();
        app.UseRateLimiter();
    }

    /// <summary>Machine clients (a 401 they can read, never a redirect to the sign-in page): /api and the Open Inference Protocol, REST and gRPC.</summary>
    private static bool IsApi(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || Api.InferenceProtocol.InferenceErrorWriter.IsProtocolPath(request.Path)
        || request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;
}
