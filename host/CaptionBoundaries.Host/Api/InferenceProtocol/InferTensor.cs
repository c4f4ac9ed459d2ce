namespace CaptionBoundaries.Host.Api.InferenceProtocol;

/// <summary>
/// One input tensor as the Open Inference Protocol carried it (REST JSON, REST binary extension or gRPC), decoded but
/// not yet checked against the model: its declared shape and either FP32 values or BYTES elements.
/// </summary>
public sealed record InferTensor(string Name, string Datatype, long[] Shape, float[]? Fp32 = null, byte[][]? Bytes = null);
