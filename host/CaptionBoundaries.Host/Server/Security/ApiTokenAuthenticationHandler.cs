using System.Text.Encodings.Web;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace CaptionBoundaries.Host.Server.Security;

/// <summary>
/// "Authorization: Bearer cbt_…" → the token's account and roles. No header: no result (the cookie may still sign
/// the request in). A header with a bad, expired or revoked token fails, and the request gets 401 saying why.
/// </summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiTokenService tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    // "new": the base class has an instance property of this name (the scheme being handled); this is its name.
    public new const string Scheme = "ApiToken";

    public static bool HasBearer(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!HasBearer(Request)) return AuthenticateResult.NoResult();
        var token = Request.Headers.Authorization.ToString()["Bearer ".Length..].Trim();
        var (actor, refusal) = await tokens.AuthenticateAsync(token, Context.Connection.RemoteIpAddress?.ToString(), Context.RequestAborted);
        if (actor is null) return AuthenticateResult.Fail(refusal ?? "invalid token");
        return AuthenticateResult.Success(new AuthenticationTicket(ActorClaims.ToPrincipal(actor, Scheme), Scheme));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        var detail = result.Failure?.Message ?? "Send a personal API token: Authorization: Bearer cbt_… (caption-boundaries tokens create).";
        // The Open Inference Protocol's clients read {"error": …}; /api keeps its ProblemDetails.
        if (Api.InferenceProtocol.InferenceErrorWriter.IsProtocolPath(Request.Path))
        {
            await Response.WriteAsJsonAsync(new Api.InferenceProtocol.InferenceJson.Error($"Authentication required: {detail}"),
                Api.InferenceProtocol.InferenceJson.Options);
            return;
        }
        if (Api.Mlflow.MlflowJson.IsMlflowPath(Request.Path))
        {
            await Response.WriteAsJsonAsync(new Api.Mlflow.MlflowErrors.Body("UNAUTHENTICATED", $"Authentication required: {detail}"), Api.Mlflow.MlflowJson.Options);
            return;
        }
        await Response.WriteAsJsonAsync(new
        {
            status = 401,
            title = "Authentication required.",
            detail,
        });
    }
}
