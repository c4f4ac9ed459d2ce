using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CaptionBoundaries.Domain.Training;

/// <summary>The total L2 norm of parameters' gradients, as if they were one vector (what clipping by norm bounds).</summary>
public static class GradientNorm
{
    public static double Total(IEnumerable<Parameter> parameters)
    {
        double squares = 0;
        foreach (var p in parameters)
        {
            using var grad = p.grad;
            if (grad is null) continue;
            using var norm = grad.detach().norm();
            double n = norm.item<float>();
            squares += n * n;
        }
        return Math.Sqrt(squares);
    }

    /// <summary>Scales the gradients so their total norm is at most <paramref name="maxNorm"/>; returns the norm before.</summary>
    public static double Clip(IEnumerable<Parameter> parameters, double maxNorm) =>
        nn.utils.clip_grad_norm_(parameters, maxNorm, 2);
}
