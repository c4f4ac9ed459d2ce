namespace CaptionBoundaries.Grains;

/// <summary>One sample to classify: three image files (PNG) plus the vectors, as in the dataset format.</summary>
[GenerateSerializer, Immutable]
public sealed record PredictionInput(
    [property: Id(0)] string Frame1Path,
    [property: Id(1)] string Frame2Path,
    [property: Id(2)] string OcrVizPath,
    [property: Id(3)] float[] SpatialFeatures,
    [property: Id(4)] float[]? CaptionBox);

[GenerateSerializer, Immutable]
public sealed record PredictionOutput(
    [property: Id(0)] string Model,
    [property: Id(1)] int Version,
    [property: Id(2)] string PredictedClass,
    [property: Id(3)] double Confidence,
    [property: Id(4)] IReadOnlyDictionary<string, double> Probabilities);

/// <summary>
/// Stateless-worker predictor (key: model name): holds loaded versions, answers with the model's active
/// version at the time the request arrives, batching concurrent requests.
/// </summary>
public interface IPredictorGrain : IGrainWithStringKey
{
    Task<PredictionOutput> Predict(PredictionInput input);
}
