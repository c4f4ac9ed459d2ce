namespace CaptionBoundaries.Domain.Security;

/// <summary>The request needs credentials and has none that hold (missing, unknown, expired or revoked): HTTP 401.</summary>
public sealed class NotAuthenticatedException(string message) : Exception(message);

/// <summary>The actor is known but may not do this (role too low, or not the owner): HTTP 403.</summary>
public sealed class ForbiddenException(string message) : Exception(message);
