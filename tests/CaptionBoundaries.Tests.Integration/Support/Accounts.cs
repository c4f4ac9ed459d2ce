using CaptionBoundaries.Application.Features.Accounts;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Support;

/// <summary>Accounts and tokens for tests, made through the real handlers as the local operator (like the CLI on the server).</summary>
public static class Accounts
{
    public const string Password = "correct-horse-battery-1";

    public static async Task<string> CreateFirstAdminAsync(IServiceProvider services, string userName)
    {
        await SendAsLocalOperator(services, new CreateFirstAdminCommand(userName, Password));
        return (await SendAsLocalOperator(services, new CreateApiTokenCommand("tests", 30, userName))).Token;
    }

    public static async Task<string> CreateUserAsync(IServiceProvider services, string userName, string role, int daysValid = 30)
    {
        await SendAsLocalOperator(services, new CreateUserCommand(userName, Password, role));
        return (await SendAsLocalOperator(services, new CreateApiTokenCommand("tests", daysValid, userName))).Token;
    }

    /// <summary>A service scope whose requests act as the local operator (an admin), for tests that call handlers directly.</summary>
    public static IServiceScope LocalOperatorScope(IServiceProvider services)
    {
        var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<ActorContext>().Current = Actor.LocalOperator;
        return scope;
    }

    public static async Task<T> SendAsLocalOperator<T>(IServiceProvider services, ICommand<T> command)
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ActorContext>().Current = Actor.LocalOperator;
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(command);
    }
}
