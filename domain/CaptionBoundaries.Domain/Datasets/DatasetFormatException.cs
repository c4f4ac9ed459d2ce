namespace CaptionBoundaries.Domain.Datasets;

/// <summary>
/// A dataset folder that breaks the documented format. <see cref="SampleId"/> and <see cref="Field"/> say
/// where, so a user filling the manifest by hand can find the line to fix.
/// </summary>
public sealed class DatasetFormatException(string message, string? sampleId = null, string? field = null)
    : Exception(message)
{
    public string? SampleId { get; } = sampleId;

    public string? Field { get; } = field;

    public static DatasetFormatException ForSample(string sampleId, string field, string problem) =>
        new($"Dataset sample '{sampleId}', field '{field}': {problem}", sampleId, field);
}
