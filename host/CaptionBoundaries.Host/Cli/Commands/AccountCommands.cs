using System.CommandLine;
using CaptionBoundaries.Application.Features.Accounts;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace CaptionBoundaries.Host.Cli.Commands;

/// <summary>
/// Accounts, API tokens and the audit log, run on the server machine against its database (as the local operator).
/// Passwords are typed at a hidden prompt or piped with --password-stdin; there is no default password.
/// </summary>
public static class AccountCommands
{
    public static IEnumerable<Command> Create() => [Users(), Tokens(), Audit()];

    private static readonly Option<bool> PasswordStdin = new("--password-stdin") { Description = "Read the password from the first line of standard input" };

    private static Command Users()
    {
        var createAdmin = new Command("create-admin", "Create the first admin account (refused once an admin exists).");
        var adminName = new Argument<string>("user-name");
        createAdmin.Arguments.Add(adminName);
        createAdmin.Options.Add(PasswordStdin);
        createAdmin.SetAction((parse, ct) => Send(parse, ct, m => m.Send(new CreateFirstAdminCommand(parse.GetValue(adminName)!, Password(parse)), ct), PrintUser));

        var add = new Command("add", "Create an account with a role: viewer, researcher or admin.");
        var userName = new Argument<string>("user-name");
        var role = new Option<string>("--role") { Description = "viewer, researcher or admin", DefaultValueFactory = _ => "researcher" };
        add.Arguments.Add(userName);
        add.Options.Add(role);
        add.Options.Add(PasswordStdin);
        add.SetAction((parse, ct) => Send(parse, ct, m => m.Send(new CreateUserCommand(parse.GetValue(userName)!, Password(parse), parse.GetValue(role)!), ct), PrintUser));

        var setRole = new Command("role", "Change an account's role.");
        var roleUser = new Argument<string>("user-name");
        var newRole = new Argument<string>("role");
        setRole.Arguments.Add(roleUser);
        setRole.Arguments.Add(newRole);
        setRole.SetAction((parse, ct) => Send(parse, ct, m => m.Send(new SetUserRoleCommand(parse.GetValue(roleUser)!, parse.GetValue(newRole)!), ct), PrintUser));

        var disable = new Command("disable", "Disable an account (its tokens stop working); --enable reverses it.");
        var disableUser = new Argument<string>("user-name");
        var enable = new Option<bool>("--enable");
        disable.Arguments.Add(disableUser);
        disable.Options.Add(enable);
        disable.SetAction((parse, ct) => Send(parse, ct, m => m.Send(new SetUserDisabledCommand(parse.GetValue(disableUser)!, !parse.GetValue(enable)), ct), PrintUser));

        var list = new Command("list", "List accounts and their roles.");
        list.SetAction((parse, ct) => Send(parse, ct, m => m.Send(new ListUsersQuery(), ct), users =>
        {
            var table = new Table().AddColumns("User", "Role", "Disabled", "Created (UTC)");
            foreach (var u in users) table.AddRow(Markup.Escape(u.UserName), u.Role, u.Disabled ? "yes" : "", u.CreatedAtUtc.ToString("u"));
            AnsiConsole.Write(table);
        }));

        return new Command("users", "Manage accounts.") { createAdmin, add, setRole, disable, list };
    }

    private static Command Tokens()
    {
        var create = new Command("create", "Create a personal API token (printed once; only its hash is stored).");
        var name = new Option<string>("--name") { Description = "What the token is for", DefaultValueFactory = _ => "cli" };
        var days = new Option<int>("--days") { Description = "Days until it expires", DefaultValueFactory = _ => 90 };
        var user = new Option<string?>("--user") { Description = "Account the token belongs to" };
        create.Options.Add(name);
        create.Options.Add(days);
        create.Options.Add(user);
        create.SetAction((parse, ct) => Send(parse, ct,
            m => m.Send(new CreateApiTokenCommand(parse.GetValue(name)!, parse.GetValue(days), parse.GetValue(user)), ct),
            created =>
            {
                AnsiConsole.MarkupLineInterpolated($"token for [bold]{created.Info.UserName}[/] ({created.Info.Name}), expires {created.Info.ExpiresAtUtc:u}:");
                // Plain line, nothing else on it: scripts read it (export CAPTIONBOUNDARIES_TOKEN=$(... | tail -1)).
                Console.WriteLine(created.Token);
            }));

        var list = new Command("list", "List an account's tokens (never the tokens themselves).");
        var listUser = new Option<string?>("--user");
        list.Options.Add(listUser);
        list.SetAction((parse, ct) => Send(parse, ct, m => m.Send(new ListApiTokensQuery(parse.GetValue(listUser)), ct), tokens =>
        {
            var table = new Table().AddColumns("Id", "User", "Name", "Prefix", "Expires (UTC)", "Revoked", "Last used");
            foreach (var t in tokens)
                table.AddRow(t.Id.ToString(), Markup.Escape(t.UserName), Markup.Escape(t.Name), t.Prefix + "…", t.ExpiresAtUtc.ToString("u"),
                    t.RevokedAtUtc?.ToString("u") ?? "", t.LastUsedAtUtc?.ToString("u") ?? "");
            AnsiConsole.Write(table);
        }));

        var revoke = new Command("revoke", "Revoke a token by id.");
        var id = new Argument<Guid>("id");
        revoke.Arguments.Add(id);
        revoke.SetAction((parse, ct) => Send(parse, ct, m => m.Send(new RevokeApiTokenCommand(parse.GetValue(id)), ct),
            t => AnsiConsole.MarkupLineInterpolated($"revoked {t.Prefix}… ({t.Name}) of {t.UserName}")));

        return new Command("tokens", "Manage personal API tokens.") { create, list, revoke };
    }

    private static Command Audit()
    {
        var actor = new Option<string?>("--actor") { Description = "Only this account's entries" };
        var limit = new Option<int>("--limit") { DefaultValueFactory = _ => 50 };
        var command = new Command("audit", "Show the audit log: every change made or refused, newest first.") { actor, limit };
        command.SetAction((parse, ct) => Send(parse, ct, m => m.Send(new GetAuditLogQuery(parse.GetValue(actor), parse.GetValue(limit)), ct), entries =>
        {
            var table = new Table().AddColumns("When (UTC)", "Who", "From", "Action", "Outcome", "Details");
            foreach (var e in entries)
                table.AddRow(e.AtUtc.ToString("u"), Markup.Escape(e.Actor), Markup.Escape(e.RemoteAddress ?? ""), Markup.Escape(e.Action),
                    Markup.Escape(e.Outcome), Markup.Escape(e.Details.Length > 80 ? e.Details[..80] + "…" : e.Details));
            AnsiConsole.Write(table);
        }));
        return command;
    }

    private static string Password(ParseResult parse)
    {
        if (parse.GetValue(PasswordStdin)) return Console.In.ReadLine() ?? "";
        if (Console.IsInputRedirected)
            throw new ArgumentException("--password-stdin: no terminal to prompt on; pipe the password and pass --password-stdin.");
        return AnsiConsole.Prompt(new TextPrompt<string>("Password:").Secret());
    }

    private static Task<int> Send<T>(ParseResult parse, CancellationToken ct, Func<IMediator, ValueTask<T>> send, Action<T> print) =>
        CliErrors.Run(async () =>
        {
            await using var services = await CliServices.BuildAsync(parse, ct);
            await using var scope = services.CreateAsyncScope();
            print(await send(scope.ServiceProvider.GetRequiredService<IMediator>()));
            return CliErrors.Ok;
        });

    private static void PrintUser(UserInfo user) =>
        AnsiConsole.MarkupLineInterpolated($"[green]{user.UserName}[/] ({user.Role}){(user.Disabled ? " disabled" : "")}");
}
