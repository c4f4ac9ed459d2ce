namespace CaptionBoundaries.Host.Api.InferenceProtocol;

/// <summary>
/// An inference request of either transport. <see cref="Outputs"/> is null when the client named none (all outputs);
/// <see cref="RoutingKey"/> is the <c>routing_key</c> request parameter (a sticky route for canaries).
/// </summary>
public sealed record InferRequest(string? Id, string? RoutingKey, IReadOnlyList<InferTensor> Inputs, IReadOnlyList<RequestedOutput>? Outputs, bool BinaryOutput);
