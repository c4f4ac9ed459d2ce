using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
namespace CaptionBoundaries.Application.Security;

/// <summary>
/// The least role a request needs. Every request type carries one: the authorization behavior refuses a request
/// without it (fail closed), and a test checks that each request type declares it.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class RequiresRoleAttribute(string role) : Attribute
{
    public string Role { get; } = role;
}
