using System.Text.Json;
using System.Text.Json.Serialization;

namespace CaptionBoundaries.Bench.PyTorch;

/// <summary>What bench/pytorch/caption_bench.py measured, as it prints it (one JSON object on stdout).</summary>
public sealed record PyTorchPeerResult(
    [property: JsonPropertyName("torch_version")] string TorchVersion,
    [property: JsonPropertyName("threads")] int Threads,
    [property: JsonPropertyName("parameters")] long Parameters,
    [property: JsonPropertyName("image_size")] int ImageSize,
    [property: JsonPropertyName("batch_size")] int BatchSize,
    [property: JsonPropertyName("train_step")] PyTorchPeerResult.Timing TrainStep,
    [property: JsonPropertyName("forward")] IReadOnlyList<PyTorchPeerResult.ForwardTiming> Forward)
{
    public sealed record Timing(
        [property: JsonPropertyName("median_seconds")] double MedianSeconds,
        [property: JsonPropertyName("samples_per_second")] double SamplesPerSecond,
        [property: JsonPropertyName("seconds")] IReadOnlyList<double>? Seconds = null);

    public sealed record ForwardTiming(
        [property: JsonPropertyName("batch_size")] int BatchSize,
        [property: JsonPropertyName("median_seconds")] double MedianSeconds,
        [property: JsonPropertyName("samples_per_second")] double SamplesPerSecond);

    /// <summary>The raw forward throughput the script measured at this batch size; it measures every size it was asked for.</summary>
    public ForwardTiming ForwardAt(int batchSize) =>
        Forward.FirstOrDefault(f => f.BatchSize == batchSize)
        ?? throw new InvalidOperationException(
            $"The PyTorch script measured no forward pass at batch {batchSize} (it measured {string.Join(", ", Forward.Select(f => f.BatchSize))}).");

    /// <summary>
    /// Reads the script's stdout: the last non-empty line is the JSON object (anything before it, e.g. a warning a
    /// library printed, is ignored). Throws naming what is missing when the output is not the script's.
    /// </summary>
    public static PyTorchPeerResult Parse(string stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
                   ?? throw new InvalidDataException("The PyTorch script printed nothing.");
        PyTorchPeerResult? result;
        try
        {
            result = JsonSerializer.Deserialize<PyTorchPeerResult>(line);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The PyTorch script's last line is not its JSON report: {e.Message}");
        }
        if (result?.TrainStep is null || result.Forward is null || result.Parameters <= 0)
            throw new InvalidDataException("The PyTorch script's report lacks train_step, forward or parameters.");
        if (result.TrainStep.MedianSeconds <= 0 || result.Forward.Any(f => f.MedianSeconds <= 0 || f.BatchSize < 1))
            throw new InvalidDataException("The PyTorch script's report has a non-positive time or batch size.");
        return result;
    }
}
