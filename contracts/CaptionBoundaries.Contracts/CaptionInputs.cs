using TorchSharp;
using static TorchSharp.torch;

namespace CaptionBoundaries.Contracts;

/// <summary>
/// The five model inputs for a batch. Every architecture's forward takes exactly this.
/// The record does not own the tensors: whoever created them disposes them.
/// </summary>
public sealed record CaptionInputs(Tensor Frame1, Tensor Frame2, Tensor OcrViz, Tensor SpatialFeatures, Tensor FontEmbedding)
{
    public long BatchSize => Frame1.shape.Length > 0 ? Frame1.shape[0] : 0;

    /// <summary>Throws <see cref="InputShapeException"/> naming the first input whose shape breaks the task spec.</summary>
    public void Validate()
    {
        var batch = BatchSize;
        CheckImage(TaskSpec.Frame1, Frame1, batch, null);
        CheckImage(TaskSpec.Frame2, Frame2, batch, Frame1);
        CheckImage(TaskSpec.OcrViz, OcrViz, batch, Frame1);
        CheckVector(TaskSpec.SpatialFeatures, SpatialFeatures, batch, TaskSpec.SpatialFeatureCount);
        CheckVector(TaskSpec.FontEmbedding, FontEmbedding, batch, TaskSpec.FontEmbeddingDimension);
    }

    /// <summary>Moves all five inputs to a device; the returned tensors are new and owned by the caller.</summary>
    public CaptionInputs To(Device device) =>
        new(Frame1.to(device), Frame2.to(device), OcrViz.to(device), SpatialFeatures.to(device), FontEmbedding.to(device));

    public IEnumerable<Tensor> Tensors => [Frame1, Frame2, OcrViz, SpatialFeatures, FontEmbedding];

    private static void CheckImage(string name, Tensor t, long batch, Tensor? sameSizeAs)
    {
        var s = t.shape;
        if (s.Length != 4 || s[0] != batch || s[1] != TaskSpec.ImageChannels)
        {
            throw new InputShapeException(name, $"(batch={batch}, 3, H, W)", s);
        }
        if (s[2] < TaskSpec.MinImageSide || s[3] < TaskSpec.MinImageSide)
        {
            throw new InputShapeException(name, $"H and W of at least {TaskSpec.MinImageSide}", s);
        }
        if (sameSizeAs is not null && (s[2] != sameSizeAs.shape[2] || s[3] != sameSizeAs.shape[3]))
        {
            throw new InputShapeException(name, $"the same H x W as frame1 ({sameSizeAs.shape[2]} x {sameSizeAs.shape[3]})", s);
        }
        if (t.dtype != ScalarType.Float32)
        {
            throw new InputShapeException(name, "dtype float32", s, t.dtype.ToString());
        }
    }

    private static void CheckVector(string name, Tensor t, long batch, int width)
    {
        var s = t.shape;
        if (s.Length != 2 || s[0] != batch || s[1] != width)
        {
            throw new InputShapeException(name, $"(batch={batch}, {width})", s);
        }
        if (t.dtype != ScalarType.Float32)
        {
            throw new InputShapeException(name, "dtype float32", s, t.dtype.ToString());
        }
    }
}
