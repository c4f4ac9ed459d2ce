using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using Mediator;

namespace CaptionBoundaries.Tests.Security;

public sealed class RequestRolesTests
{
    private static IEnumerable<Type> RequestTypes() =>
        typeof(CaptionBoundaries.Application.ServiceRegistration).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IMessage).IsAssignableFrom(t));

    [Fact]
    public void Every_request_declares_the_role_it_needs()
    {
        var requests = RequestTypes().ToList();
        Assert.True(requests.Count > 50, $"only {requests.Count} request types found");
        var undeclared = requests.Where(t => AuthorizationBehavior<IMessage, object>.RoleFor(t) is null).Select(t => t.Name).ToList();
        Assert.Empty(undeclared);
    }

    [Fact]
    public void Only_the_health_check_is_open_and_every_declared_role_is_known()
    {
        var roles = RequestTypes().ToDictionary(t => t.Name, t => AuthorizationBehavior<IMessage, object>.RoleFor(t));
        Assert.Equal(["GetLivenessQuery"], roles.Where(r => r.Value == Roles.Anyone).Select(r => r.Key));
        Assert.All(roles.Where(r => r.Value != Roles.Anyone), r => Assert.True(Roles.IsKnown(r.Value!), $"{r.Key}: {r.Value}"));
        Assert.Equal(Roles.Admin, roles["CollectGarbageCommand"]);
        Assert.Equal(Roles.Admin, roles["CreateUserCommand"]);
        Assert.Equal(Roles.Researcher, roles["StartExperimentCommand"]);
        Assert.Equal(Roles.Viewer, roles["ListExperimentsQuery"]);
    }
}
