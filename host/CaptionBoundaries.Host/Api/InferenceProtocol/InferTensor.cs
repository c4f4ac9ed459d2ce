namespace CaptionBoundaries.Host.Api.InferenceProtocol;

/// <summary>
/// One input tensor as the Open Inference Protocol carried it (REST JSON, REST binary extension or gRPC), decoded but
/// not yet checked against the model: its declared shape and either FP32 values or BYTES elements.
/// </summary>
public sealed record InferTensor(string Name, string Datatype, long[] Shape, float[]? Fp32 = null, byte[][]? Bytes = null);

/// <summary>An output the client asked for; <see cref="Binary"/>: in the binary tensor data extension's form.</summary>
public sealed record RequestedOutput(string Name, bool Binary);

/// <summary>
/// An inference request of either transport. <see cref="Outputs"/> is null when the client named none (all outputs);
/// <see cref="RoutingKey"/> is the <c>routing_key</c> request parameter (a sticky route for canaries).
/// </summary>
public sealed record InferRequest(string? Id, string? RoutingKey, IReadOnlyList<InferTensor> Inputs, IReadOnlyList<RequestedOutput>? Outputs, bool BinaryOutput);

/// <summary>An output tensor: FP32 values or BYTES elements (class names), with its shape.</summary>
public sealed record OutputTensor(string Name, string Datatype, long[] Shape, float[]? Fp32 = null, string[]? Strings = null, bool Binary = false);
