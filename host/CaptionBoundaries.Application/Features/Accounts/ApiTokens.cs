using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Accounts;

/// <summary>A personal API token for the caller (an admin may make one for another account). The token is in the answer only.</summary>
[RequiresRole(Roles.Viewer)]
public sealed record CreateApiTokenCommand(string Name, int DaysValid = 90, string? UserName = null) : ICommand<CreatedApiToken>;

[RequiresRole(Roles.Viewer)]
public sealed record ListApiTokensQuery(string? UserName = null) : IQuery<IReadOnlyList<ApiTokenInfo>>;

[RequiresRole(Roles.Viewer)]
public sealed record RevokeApiTokenCommand(Guid Id) : ICommand<ApiTokenInfo>;

public sealed record ApiTokenInfo(Guid Id, string UserName, string Name, string Prefix, DateTime CreatedAtUtc, DateTime ExpiresAtUtc,
    DateTime? RevokedAtUtc, DateTime? LastUsedAtUtc);

public sealed record CreatedApiToken(ApiTokenInfo Info, string Token);

public sealed class CreateApiTokenValidator : AbstractValidator<CreateApiTokenCommand>
{
    public CreateApiTokenValidator()
    {
        RuleFor(c => c.Name).NotEmpty().MaximumLength(100).OverridePropertyName("name");
        RuleFor(c => c.DaysValid).InclusiveBetween(1, (int)ApiTokenService.MaxLifetime.TotalDays).OverridePropertyName("days_valid");
    }
}

public sealed class ApiTokenHandlers(ApiTokenService tokens, TrackingDbContext db, UserManager<AppUser> users, ActorContext actors) :
    ICommandHandler<CreateApiTokenCommand, CreatedApiToken>,
    IQueryHandler<ListApiTokensQuery, IReadOnlyList<ApiTokenInfo>>,
    ICommandHandler<RevokeApiTokenCommand, ApiTokenInfo>
{
    public async ValueTask<CreatedApiToken> Handle(CreateApiTokenCommand command, CancellationToken ct)
    {
        var owner = await Owner(command.UserName);
        var (record, token) = await tokens.CreateAsync(owner, command.Name, TimeSpan.FromDays(command.DaysValid), ct);
        return new CreatedApiToken(Info(record), token);
    }

    public async ValueTask<IReadOnlyList<ApiTokenInfo>> Handle(ListApiTokensQuery query, CancellationToken ct)
    {
        var owner = await Owner(query.UserName);
        var records = await db.ApiTokens.AsNoTracking().Where(t => t.UserId == owner.Id).ToListAsync(ct);
        return records.OrderByDescending(t => t.CreatedAtUtc).Select(Info).ToList();
    }

    public async ValueTask<ApiTokenInfo> Handle(RevokeApiTokenCommand command, CancellationToken ct)
    {
        var record = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == command.Id, ct)
                     ?? throw DomainException.NotFound($"No API token has id {command.Id}.");
        var actor = actors.Current;
        if (!actor.IsAdmin && record.UserName != actor.Name)
            throw new ForbiddenException($"{actor.Name} may not revoke another account's token.");
        record.RevokedAtUtc ??= DateTime.UtcNow;
        await db.SaveChangesAsync(ct);
        return Info(record);
    }

    /// <summary>The caller's own account, or (admins only) the named one.</summary>
    private async Task<AppUser> Owner(string? userName)
    {
        var actor = actors.Current;
        var name = string.IsNullOrWhiteSpace(userName) ? actor.Name : userName;
        if (name != actor.Name && !actor.IsAdmin) throw new ForbiddenException($"{actor.Name} may only manage their own API tokens.");
        return await users.FindByNameAsync(name) ?? throw DomainException.NotFound($"No account is named '{name}'.");
    }

    private static ApiTokenInfo Info(ApiToken t) =>
        new(t.Id, t.UserName, t.Name, t.Prefix, t.CreatedAtUtc, t.ExpiresAtUtc, t.RevokedAtUtc, t.LastUsedAtUtc);
}
