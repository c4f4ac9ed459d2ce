namespace CaptionBoundaries.Host.Api.InferenceProtocol;

/// <summary>An output the client asked for; <see cref="Binary"/>: in the binary tensor data extension's form.</summary>
public sealed record RequestedOutput(string Name, bool Binary);
