namespace CaptionBoundaries.Host.Api.InferenceProtocol;

/// <summary>An output tensor: FP32 values or BYTES elements (class names), with its shape.</summary>
public sealed record OutputTensor(string Name, string Datatype, long[] Shape, float[]? Fp32 = null, string[]? Strings = null, bool Binary = false);
