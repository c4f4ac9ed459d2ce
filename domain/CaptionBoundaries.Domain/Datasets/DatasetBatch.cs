using CaptionBoundaries.Contracts;
using static TorchSharp.torch;

namespace CaptionBoundaries.Domain.Datasets;

/// <summary>A batch of model inputs with int64 class-index labels; owns and disposes all its tensors.</summary>
public sealed record DatasetBatch(CaptionInputs Inputs, Tensor Labels, IReadOnlyList<string> SampleIds) : IDisposable
{
    public void Dispose()
    {
        foreach (var t in Inputs.Tensors) t.Dispose();
        Labels.Dispose();
    }
}
