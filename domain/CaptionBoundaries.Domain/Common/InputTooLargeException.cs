namespace CaptionBoundaries.Domain.Common;

/// <summary>An input (a file a request names, an image, a body) is larger than the server reads: HTTP 413.</summary>
public sealed class InputTooLargeException(string message) : Exception(message);
