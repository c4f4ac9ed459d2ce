using CaptionBoundaries.Domain.Common;

namespace CaptionBoundaries.Domain.Training.Isolation;

/// <summary>
/// A run's peak memory, estimated before it is accepted, by part: the worker process itself (runtime, libtorch, plugins),
/// the parameters with their gradients and AdamW's two moments, the activations of one training step, and the dataset's
/// prepared images (decoded at the run's image size and held for the whole run).
/// </summary>
public sealed record RunMemoryEstimate(
    string Architecture,
    int BatchSize,
    int ImageHeight,
    int ImageWidth,
    long WorkerBytes,
    long ParameterBytes,
    long ActivationBytes,
    long DatasetBytes)
{
    public long TotalBytes => WorkerBytes + ParameterBytes + ActivationBytes + DatasetBytes;

    public string ImageSize => ImageHeight == ImageWidth ? $"{ImageHeight} px" : $"{ImageHeight} x {ImageWidth} px";

    /// <summary>"estimated 37.2 GiB for shared_backbone_resnet50 at batch 4096 x 2048 px; this node allows 12 GiB (…)".</summary>
    public string Refusal(long limitBytes) =>
        $"estimated {ByteSize.Format(TotalBytes)} for {Architecture} at batch {BatchSize} x {ImageSize}; this node allows {ByteSize.Format(limitBytes)} " +
        $"(activations {ByteSize.Format(ActivationBytes)}, parameters with gradients and optimizer state {ByteSize.Format(ParameterBytes)}, " +
        $"dataset images {ByteSize.Format(DatasetBytes)}, worker {ByteSize.Format(WorkerBytes)}). Lower batch_size or the image size.";
}
