namespace CaptionBoundaries.Domain.Common;

/// <summary>The node has as much of this kind of work queued as it takes: HTTP 503 with Retry-After.</summary>
public sealed class ServerBusyException(string message) : Exception(message);
