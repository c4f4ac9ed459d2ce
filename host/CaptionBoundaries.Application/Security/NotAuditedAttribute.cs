using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
namespace CaptionBoundaries.Application.Security;

/// <summary>A command that changes nothing anyone owns (serving a prediction), kept out of the audit log so it is not flooded.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class NotAuditedAttribute : Attribute;
