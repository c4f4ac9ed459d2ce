using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Accounts;

/// <summary>
/// The first admin, made from the command line on the server (never with a default password). Refused once any
/// admin exists: later accounts are created by an admin.
/// </summary>
[RequiresRole(Roles.Admin)]
public sealed record CreateFirstAdminCommand(string UserName, string Password) : ICommand<UserInfo>;

[RequiresRole(Roles.Admin)]
public sealed record CreateUserCommand(string UserName, string Password, string Role) : ICommand<UserInfo>;

/// <summary>Changing a role ends the account's console sessions (within Security:SessionRevalidationInterval): it signs in again with the new role.</summary>
[RequiresRole(Roles.Admin)]
public sealed record SetUserRoleCommand(string UserName, string Role) : ICommand<UserInfo>;

/// <summary>
/// Disabling locks the account out, stops its tokens working and ends its console sessions (within
/// Security:SessionRevalidationInterval); enabling reverses the first two.
/// </summary>
[RequiresRole(Roles.Admin)]
public sealed record SetUserDisabledCommand(string UserName, bool Disabled) : ICommand<UserInfo>;

[RequiresRole(Roles.Admin)]
public sealed record ListUsersQuery : IQuery<IReadOnlyList<UserInfo>>;

public sealed record UserInfo(string Id, string UserName, string Role, bool Disabled, DateTime CreatedAtUtc);

public sealed class CreateFirstAdminValidator : AbstractValidator<CreateFirstAdminCommand>
{
    public CreateFirstAdminValidator()
    {
        RuleFor(c => c.UserName).NotEmpty().MaximumLength(64).Matches("^[a-zA-Z0-9._@-]+$").OverridePropertyName("user_name");
        RuleFor(c => c.Password).NotEmpty().OverridePropertyName("password");
    }
}

public sealed class CreateUserValidator : AbstractValidator<CreateUserCommand>
{
    public CreateUserValidator()
    {
        RuleFor(c => c.UserName).NotEmpty().MaximumLength(64).Matches("^[a-zA-Z0-9._@-]+$").OverridePropertyName("user_name");
        RuleFor(c => c.Password).NotEmpty().OverridePropertyName("password");
        RuleFor(c => c.Role).Must(Roles.IsKnown).WithMessage(c => $"Role '{c.Role}' is not one of: {string.Join(", ", Roles.All)}.").OverridePropertyName("role");
    }
}

public sealed class SetUserRoleValidator : AbstractValidator<SetUserRoleCommand>
{
    public SetUserRoleValidator() =>
        RuleFor(c => c.Role).Must(Roles.IsKnown).WithMessage(c => $"Role '{c.Role}' is not one of: {string.Join(", ", Roles.All)}.").OverridePropertyName("role");
}

public sealed class UserHandlers(UserManager<AppUser> users, RoleManager<IdentityRole> roles, TimeProvider clock) :
    ICommandHandler<CreateFirstAdminCommand, UserInfo>,
    ICommandHandler<CreateUserCommand, UserInfo>,
    ICommandHandler<SetUserRoleCommand, UserInfo>,
    ICommandHandler<SetUserDisabledCommand, UserInfo>,
    IQueryHandler<ListUsersQuery, IReadOnlyList<UserInfo>>
{
    public async ValueTask<UserInfo> Handle(CreateFirstAdminCommand command, CancellationToken ct)
    {
        await EnsureRoles();
        if ((await users.GetUsersInRoleAsync(Roles.Admin)).Count > 0)
            throw DomainException.Conflict("An admin account already exists; sign in as an admin to create more accounts.");
        return await Create(command.UserName, command.Password, Roles.Admin);
    }

    public async ValueTask<UserInfo> Handle(CreateUserCommand command, CancellationToken ct)
    {
        await EnsureRoles();
        return await Create(command.UserName, command.Password, command.Role);
    }

    public async ValueTask<UserInfo> Handle(SetUserRoleCommand command, CancellationToken ct)
    {
        var user = await Find(command.UserName);
        AccountErrors.ThrowIfFailed(await users.RemoveFromRolesAsync(user, await users.GetRolesAsync(user)));
        AccountErrors.ThrowIfFailed(await users.AddToRoleAsync(user, command.Role));
        // A new stamp: sessions signed in with the old role no longer validate (cookie, live console pages).
        AccountErrors.ThrowIfFailed(await users.UpdateSecurityStampAsync(user));
        return await Info(user);
    }

    public async ValueTask<UserInfo> Handle(SetUserDisabledCommand command, CancellationToken ct)
    {
        var user = await Find(command.UserName);
        AccountErrors.ThrowIfFailed(await users.SetLockoutEnabledAsync(user, true));
        AccountErrors.ThrowIfFailed(await users.SetLockoutEndDateAsync(user, command.Disabled ? DisabledAccounts.LockoutEnd : null));
        if (!command.Disabled) AccountErrors.ThrowIfFailed(await users.ResetAccessFailedCountAsync(user));
        // A new stamp ends the sessions signed in before: a disabled account keeps no console either.
        AccountErrors.ThrowIfFailed(await users.UpdateSecurityStampAsync(user));
        return await Info(user);
    }

    public async ValueTask<IReadOnlyList<UserInfo>> Handle(ListUsersQuery query, CancellationToken ct)
    {
        var list = new List<UserInfo>();
        foreach (var user in await users.Users.OrderBy(u => u.UserName).ToListAsync(ct)) list.Add(await Info(user));
        return list;
    }

    private async Task<UserInfo> Create(string userName, string password, string role)
    {
        var user = new AppUser { UserName = userName, CreatedAtUtc = clock.GetUtcNow().UtcDateTime };
        AccountErrors.ThrowIfFailed(await users.CreateAsync(user, password));
        AccountErrors.ThrowIfFailed(await users.AddToRoleAsync(user, role));
        return await Info(user);
    }

    private async Task<AppUser> Find(string userName) =>
        await users.FindByNameAsync(userName) ?? throw DomainException.NotFound($"No account is named '{userName}'.");

    private async Task<UserInfo> Info(AppUser user) =>
        new(user.Id, user.UserName!, (await users.GetRolesAsync(user)).OrderByDescending(Roles.Rank).FirstOrDefault() ?? "",
            DisabledAccounts.IsDisabled(user), user.CreatedAtUtc);

    private async Task EnsureRoles()
    {
        foreach (var role in Roles.All)
            if (!await roles.RoleExistsAsync(role)) AccountErrors.ThrowIfFailed(await roles.CreateAsync(new IdentityRole(role)));
    }
}
