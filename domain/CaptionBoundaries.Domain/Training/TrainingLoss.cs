using static TorchSharp.torch;

namespace CaptionBoundaries.Domain.Training;

/// <summary>
/// The training objective: cross-entropy with optional class weights w and label smoothing e, as PyTorch defines it. For a
/// sample of class y over C classes, l = -(1 - e) * w_y * log p_y - (e / C) * sum_c w_c * log p_c; the batch mean divides
/// the sum of l by the sum of w_y over the batch (by the sample count without weights). Plain cross-entropy is w = 1, e = 0.
/// </summary>
public sealed class TrainingLoss : IDisposable
{
    private readonly Tensor? _weights;

    public TrainingLoss(float[]? classWeights, double labelSmoothing, Device device)
    {
        ClassWeights = classWeights;
        LabelSmoothing = labelSmoothing;
        _weights = classWeights is null ? null : tensor(classWeights).to(device);
    }

    public IReadOnlyList<float>? ClassWeights { get; }
    public double LabelSmoothing { get; }

    /// <summary>The batch's loss: the (weighted) mean, or the sum that <see cref="Denominator"/> turns into it.</summary>
    public Tensor Compute(Tensor logits, Tensor labels, nn.Reduction reduction = nn.Reduction.Mean) =>
        nn.functional.cross_entropy(logits, labels, _weights, reduction: reduction, label_smoothing: LabelSmoothing);

    /// <summary>What the mean divides the summed loss by: the summed weight of the batch's labels, or its size.</summary>
    public double Denominator(Tensor labels)
    {
        if (_weights is null) return labels.shape[0];
        using var picked = _weights.index_select(0, labels);
        using var sum = picked.sum();
        return sum.item<float>();
    }

    public void Dispose() => _weights?.Dispose();
}
