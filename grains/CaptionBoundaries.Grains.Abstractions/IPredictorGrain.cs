namespace CaptionBoundaries.Grains.Abstractions;

/// <summary>
/// One image of a sample as a client sent it: the encoded file (PNG or JPEG bytes), or planar RGB values in [0, 1]
/// (<c>3 × Height × Width</c>, the Open Inference Protocol's FP32 form). Never a path: the server reads no file a
/// client names.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record InputImage(
    [property: Id(0)] byte[]? Encoded,
    [property: Id(1)] float[]? Pixels,
    [property: Id(2)] int Height,
    [property: Id(3)] int Width)
{
    public static InputImage FromEncoded(byte[] encoded) => new(encoded, null, 0, 0);

    public static InputImage FromPixels(float[] planar, int height, int width) => new(null, planar, height, width);
}

/// <summary>One sample to classify: three images plus the vectors, as in the dataset format.</summary>
/// <param name="CaptionBox">Normalised [x0, y0, x1, y1] of the caption the font embedding is computed from.</param>
/// <param name="FontEmbedding">The 64 values, when the client computed them; else the model's embedder computes them.</param>
[GenerateSerializer, Immutable]
public sealed record PredictionInput(
    [property: Id(0)] InputImage Frame1,
    [property: Id(1)] InputImage Frame2,
    [property: Id(2)] InputImage OcrViz,
    [property: Id(3)] float[] SpatialFeatures,
    [property: Id(4)] float[]? CaptionBox = null,
    [property: Id(5)] float[]? FontEmbedding = null);

/// <summary>How a request is routed.</summary>
/// <param name="Version">Answer with exactly this version (not archived) instead of the model's route.</param>
/// <param name="RoutingKey">Requests with the same key take the same route (a canary is sticky per key).</param>
[GenerateSerializer, Immutable]
public sealed record PredictOptions(
    [property: Id(0)] int? Version = null,
    [property: Id(1)] string? RoutingKey = null)
{
    public static readonly PredictOptions Default = new();
}

/// <param name="LatencyMs">Server-side time of the whole request in the predictor (routing, decoding, queueing, forward pass).</param>
[GenerateSerializer, Immutable]
public sealed record PredictionOutput(
    [property: Id(0)] string Model,
    [property: Id(1)] int Version,
    [property: Id(2)] string PredictedClass,
    [property: Id(3)] double Confidence,
    [property: Id(4)] IReadOnlyDictionary<string, double> Probabilities,
    [property: Id(5)] double LatencyMs = 0);

/// <summary>
/// Stateless-worker predictor (key: model name): holds loaded versions, answers with the model's active
/// version at the time the request arrives, batching concurrent requests.
/// </summary>
public interface IPredictorGrain : IGrainWithStringKey
{
    /// <summary>Answers every sample, in order; all of one request are answered by the same version.</summary>
    Task<PredictionOutput[]> Predict(PredictionInput[] samples, PredictOptions options);
}

public static class PredictorGrainExtensions
{
    /// <summary>One sample, routed like any request.</summary>
    public static async Task<PredictionOutput> PredictOne(this IPredictorGrain predictor, PredictionInput sample, PredictOptions? options = null) =>
        (await predictor.Predict([sample], options ?? PredictOptions.Default))[0];
}
