using CaptionBoundaries.Application.Features.Accounts;
using Mediator;
using static Microsoft.AspNetCore.Http.StatusCodes;

namespace CaptionBoundaries.Host.Api;

/// <summary>Accounts (admins), the caller's API tokens, and the audit log (admins).</summary>
public static class UserEndpoints
{
    public sealed record CreateUserBody(string? UserName, string? Password, string? Role);
    public sealed record RoleBody(string? Role);
    public sealed record DisabledBody(bool Disabled);
    public sealed record CreateTokenBody(string? Name, int? DaysValid, string? UserName);

    public static void MapUserEndpoints(this IEndpointRouteBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Accounts");
        users.MapGet("", async (IMediator m, CancellationToken ct) => TypedResults.Ok(await m.Send(new ListUsersQuery(), ct)))
            .WithSummary("Every account with its role (admins).")
            .ProducesProblems(Status403Forbidden);
        users.MapPost("", async (CreateUserBody body, IMediator m, CancellationToken ct) =>
                TypedResults.Ok(await m.Send(new CreateUserCommand(body.UserName ?? "", body.Password ?? "", body.Role ?? ""), ct)))
            .WithSummary("Create an account with a role (admins).")
            .ProducesProblems(Status400BadRequest, Status403Forbidden);
        users.MapPut("/{userName}/role", async (string userName, RoleBody body, IMediator m, CancellationToken ct) =>
                TypedResults.Ok(await m.Send(new SetUserRoleCommand(userName, body.Role ?? ""), ct)))
            .WithSummary("Change an account's role (admins).")
            .ProducesProblems(Status400BadRequest, Status403Forbidden, Status404NotFound);
        users.MapPut("/{userName}/disabled", async (string userName, DisabledBody body, IMediator m, CancellationToken ct) =>
                TypedResults.Ok(await m.Send(new SetUserDisabledCommand(userName, body.Disabled), ct)))
            .WithSummary("Disable or enable an account; a disabled account's tokens stop working (admins).")
            .ProducesProblems(Status400BadRequest, Status403Forbidden, Status404NotFound);

        var tokens = api.MapGroup("/tokens").WithTags("Accounts");
        tokens.MapGet("", async (string? user, IMediator m, CancellationToken ct) => TypedResults.Ok(await m.Send(new ListApiTokensQuery(user), ct)))
            .WithSummary("Your API tokens (admins: ?user=NAME).")
            .ProducesProblems(Status403Forbidden, Status404NotFound);
        tokens.MapPost("", async (CreateTokenBody body, IMediator m, CancellationToken ct) =>
                TypedResults.Ok(await m.Send(new CreateApiTokenCommand(body.Name ?? "", body.DaysValid ?? 90, body.UserName), ct)))
            .WithSummary("Create an API token; the token is in this answer only.")
            .ProducesProblems(Status400BadRequest, Status403Forbidden, Status404NotFound);
        tokens.MapDelete("/{id:guid}", async (Guid id, IMediator m, CancellationToken ct) => TypedResults.Ok(await m.Send(new RevokeApiTokenCommand(id), ct)))
            .WithSummary("Revoke an API token (yours; admins: any).")
            .ProducesProblems(Status403Forbidden, Status404NotFound);

        api.MapGet("/audit", async (string? actor, int? limit, IMediator m, CancellationToken ct) =>
                TypedResults.Ok(await m.Send(new GetAuditLogQuery(actor, limit ?? 200), ct)))
            .WithTags("Accounts").WithSummary("Every change made or refused: who, from where, what, when (admins).")
            .ProducesProblems(Status400BadRequest, Status403Forbidden);
    }
}
