using TorchSharp;
using static TorchSharp.torch;

namespace CaptionBoundaries.Contracts;

/// <summary>
/// Base class of every architecture's module. Forward validates the five inputs and the (batch, 5) logits,
/// so no plugin can silently accept a wrong shape or return a wrong class count.
/// </summary>
public abstract class CaptionBoundaryModel : nn.Module<CaptionInputs, Tensor>
{
    protected CaptionBoundaryModel(string name) : base(name)
    {
    }

    public sealed override Tensor forward(CaptionInputs inputs)
    {
        inputs.Validate();
        var logits = ForwardLogits(inputs);
        var s = logits.shape;
        if (s.Length != 2 || s[0] != inputs.BatchSize || s[1] != TaskSpec.ClassCount)
        {
            logits.Dispose();
            throw new InvalidOperationException(
                $"Architecture module '{GetName()}' returned logits of shape ({string.Join(", ", s)}); the task needs (batch={inputs.BatchSize}, {TaskSpec.ClassCount}).");
        }
        return logits;
    }

    /// <summary>Computes (batch, 5) logits from already-validated inputs.</summary>
    protected abstract Tensor ForwardLogits(CaptionInputs inputs);

    public ParameterCount CountParameters()
    {
        long total = 0, trainable = 0;
        foreach (var p in parameters())
        {
            total += p.numel();
            if (p.requires_grad) trainable += p.numel();
        }
        return new ParameterCount(total, trainable);
    }
}

/// <summary>Total and trainable (requires_grad) parameter counts of a model.</summary>
public sealed record ParameterCount(long Total, long Trainable)
{
    public double TrainableFraction => Total == 0 ? 0 : (double)Trainable / Total;
}
