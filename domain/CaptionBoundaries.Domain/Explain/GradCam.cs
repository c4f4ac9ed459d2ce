using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Errors;
using TorchSharp;
using static TorchSharp.torch;

namespace CaptionBoundaries.Domain.Explain;

/// <summary>
/// Grad-CAM (Selvaraju et al., 2017) over the last convolutional stage(s) a model exposes through
/// <see cref="IExposesConvFeatures"/>, plus the spatial attention it exposes through <see cref="IExposesAttention"/>.
/// </summary>
/// <remarks>
/// A forward hook on each exposed module keeps its output A (batch, C, h, w); autograd gives dy/dA for the target
/// class logit y. The channel weights are the spatial means of the gradient, cam = relu(sum_c w_c A_c), bilinearly
/// upsampled to the input's H x W and divided by its maximum, so every map is in [0, 1]. The model's parameters get
/// no gradients (autograd.grad, not backward), so explaining a model leaves it exactly as it was.
/// </remarks>
public static class GradCam
{
    public const string GradCamMethod = "grad_cam";
    public const string AttentionMethod = "attention";

    /// <summary>The image inputs in <see cref="TaskSpec"/> order; heatmaps come out in this order.</summary>
    public static readonly IReadOnlyList<string> ImageInputs = [TaskSpec.Frame1, TaskSpec.Frame2, TaskSpec.OcrViz];

    /// <summary>
    /// Explains every sample of a batch. <paramref name="targetClasses"/> holds one class index per sample (null: the
    /// class the model predicts for it); without it each sample's predicted class is explained. Samples do not
    /// interact (the model is put in eval mode), so one gradient of the summed target logits gives every sample its own.
    /// </summary>
    public static IReadOnlyList<SampleHeatmaps> Explain(CaptionBoundaryModel model, CaptionInputs inputs, IReadOnlyList<int?>? targetClasses = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        inputs.Validate();
        var name = model.GetName();
        var conv = (model as IExposesConvFeatures)?.LastConvStages ?? [];
        if (conv.Count == 0)
            throw DomainException.Invalid(
                $"Architecture '{name}' does not expose its last convolutional stage ({nameof(IExposesConvFeatures)}), so Grad-CAM cannot explain it.");
        var attention = (model as IExposesAttention)?.AttentionMaps ?? [];
        var batch = (int)inputs.BatchSize;
        if (targetClasses is not null && (targetClasses.Count != batch || targetClasses.Any(c => c is < 0 or >= TaskSpec.ClassCount)))
            throw DomainException.Invalid(
                $"Give one target class index in 0..{TaskSpec.ClassCount - 1} per sample ({batch}); got [{string.Join(", ", targetClasses)}].");

        var sources = conv.Select(s => new HookedSource(s.Name, s.Module, s.Inputs, s.Layout, GradCamMethod))
            .Concat(attention.Select(s => new HookedSource(s.Name, s.Module, s.Inputs, s.Layout, AttentionMethod)))
            .ToList();
        foreach (var s in sources) s.CheckInputs(name);

        var wasTraining = model.training;
        model.eval();
        try
        {
            using var gradMode = enable_grad();
            using var scope = NewDisposeScope();
            foreach (var s in sources) s.Attach();
            // The images require grad so every path from them to the logits is recorded, frozen layers (LoRA) included.
            var traced = new CaptionInputs(
                inputs.Frame1.detach().requires_grad_(true),
                inputs.Frame2.detach().requires_grad_(true),
                inputs.OcrViz.detach().requires_grad_(true),
                inputs.SpatialFeatures,
                inputs.FontEmbedding);
            var logits = model.forward(traced);
            foreach (var s in sources) s.Detach(name, batch);

            var logitRows = logits.detach().cpu().data<float>().ToArray();
            var targets = Enumerable.Range(0, batch).Select(i => targetClasses?[i] ?? ArgMax(logitRows, i)).ToArray();
            var index = tensor(targets.Select(t => (long)t).ToArray(), new long[] { batch, 1 }).to(logits.device);
            var selected = logits.gather(1, index).sum();
            var convSources = sources.Where(s => s.Method == GradCamMethod).ToList();
            IList<Tensor> gradients;
            try
            {
                gradients = autograd.grad([selected], convSources.Select(s => s.Output).ToList());
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new InvalidOperationException(
                    $"Architecture '{name}': the logits do not depend on every exposed last stage ({string.Join(", ", convSources.Select(s => s.Name))}): {e.Message}", e);
            }

            var height = inputs.Frame1.shape[2];
            var width = inputs.Frame1.shape[3];
            var perSample = Enumerable.Range(0, batch).Select(_ => new List<InputHeatmap>()).ToList();
            using (no_grad())
            {
                for (var i = 0; i < convSources.Count; i++)
                {
                    var source = convSources[i];
                    source.AddMaps(GradCamMap(source.Output.detach(), gradients[i]), height, width, perSample);
                }
                foreach (var source in sources.Where(s => s.Method == AttentionMethod))
                    source.AddMaps(AttentionMap(source.Output.detach(), name, source.Name), height, width, perSample);
            }

            return perSample.Select((maps, i) => new SampleHeatmaps(
                targets[i],
                logitRows.AsSpan(i * TaskSpec.ClassCount, TaskSpec.ClassCount).ToArray(),
                maps.OrderBy(m => m.Method == GradCamMethod ? 0 : 1).ThenBy(m => IndexOf(m.Input)).ToList())).ToList();
        }
        finally
        {
            foreach (var s in sources) s.Dispose();
            if (wasTraining) model.train();
        }
    }

    /// <summary>relu(sum_c mean_hw(dy/dA_c) * A_c): (n, C, h, w) activations and gradients to an (n, 1, h, w) map.</summary>
    public static Tensor GradCamMap(Tensor activations, Tensor gradients)
    {
        using var weights = gradients.mean([2, 3], keepdim: true);
        using var weighted = activations.mul(weights);
        using var summed = weighted.sum(1, keepdim: true);
        return summed.relu();
    }

    private static Tensor AttentionMap(Tensor output, string model, string source)
    {
        var shape = output.shape;
        using var grid = shape.Length switch
        {
            3 => output.alias(),
            4 => output.mean([1], keepdim: false),
            _ => throw new InvalidOperationException(
                $"Architecture '{model}' exposes attention '{source}' of shape ({string.Join(", ", shape)}); attention maps must be (batch, h, w) or (batch, heads, h, w)."),
        };
        using var positive = grid.clamp_min(0);
        return positive.unsqueeze(1);
    }

    private static int ArgMax(float[] rows, int sample)
    {
        var best = 0;
        for (var k = 1; k < TaskSpec.ClassCount; k++)
        {
            if (rows[sample * TaskSpec.ClassCount + k] > rows[sample * TaskSpec.ClassCount + best]) best = k;
        }
        return best;
    }

    private static int IndexOf(string input)
    {
        for (var i = 0; i < ImageInputs.Count; i++)
        {
            if (ImageInputs[i] == input) return i;
        }
        return ImageInputs.Count;
    }

    /// <summary>One exposed module while it is hooked: the hook keeps a reference to its output.</summary>
    private sealed class HookedSource(string name, nn.Module<Tensor, Tensor> module, IReadOnlyList<string> inputs, FeatureMapLayout layout, string method) : IDisposable
    {
        private Action? _remove;
        private Tensor? _output;
        private int _calls;

        public string Name => name;
        public string Method => method;
        public Tensor Output => _output ?? throw new InvalidOperationException($"'{name}' produced no output.");

        public void CheckInputs(string model)
        {
            if (inputs.Count == 0 || inputs.Any(i => !ImageInputs.Contains(i)) || inputs.Distinct().Count() != inputs.Count)
                throw new InvalidOperationException(
                    $"Architecture '{model}' exposes '{name}' for inputs [{string.Join(", ", inputs)}]; they must be distinct image inputs ({string.Join(", ", ImageInputs)}).");
        }

        public void Attach()
        {
            var remover = module.register_forward_hook((_, _, output) =>
            {
                _calls++;
                if (_calls == 1)
                {
                    // A second reference to the same tensor, out of any dispose scope: the model disposes its own
                    // reference (and its scopes) as soon as the next layer has used it.
                    _output = output.alias().DetachFromDisposeScope();
                    // Already part of the graph when the images require grad; a module fed no such input becomes a leaf here.
                    if (!_output.requires_grad) _output.requires_grad_(true);
                }
                return null!;
            });
            _remove = remover.remove;
        }

        /// <summary>Removes the hook and checks it saw exactly one output of the shape its layout promises.</summary>
        public void Detach(string model, int batch)
        {
            _remove?.Invoke();
            _remove = null;
            if (_calls != 1)
                throw new InvalidOperationException(_calls == 0
                    ? $"Architecture '{model}' exposes '{name}', but no forward hook on it fired: the model must invoke it through call(), not forward()."
                    : $"Architecture '{model}' exposes '{name}', but it ran {_calls} times in one forward pass; an exposed module must run exactly once.");
            var expected = layout == FeatureMapLayout.StackedOnBatch ? batch * inputs.Count : batch;
            var shape = Output.shape;
            var rank = method == AttentionMethod ? shape.Length is 3 or 4 : shape.Length == 4;
            if (!rank || shape[0] != expected)
                throw new InvalidOperationException(
                    $"Architecture '{model}' exposes '{name}' ({layout}) for [{string.Join(", ", inputs)}]; its output has shape ({string.Join(", ", shape)}), " +
                    $"expected a batch of {expected} {(method == AttentionMethod ? "(batch, [heads,] h, w) attention maps" : "(batch, C, h, w) feature maps")}.");
        }

        /// <summary>Upsamples an (n, 1, h, w) map to the input size, normalises it per sample and hands it to the inputs it covers.</summary>
        public void AddMaps(Tensor map, long height, long width, List<List<InputHeatmap>> perSample)
        {
            using var upsampled = nn.functional.interpolate(map, size: [height, width], mode: InterpolationMode.Bilinear, align_corners: false);
            using var cpu = upsampled.cpu();
            using var rawCpu = map.cpu();
            var values = cpu.contiguous().data<float>().ToArray();
            var raw = rawCpu.contiguous().data<float>().ToArray();
            var plane = (int)(height * width);
            var rawPlane = (int)(map.shape[2] * map.shape[3]);
            var batch = perSample.Count;
            for (var chunk = 0; chunk < (layout == FeatureMapLayout.StackedOnBatch ? inputs.Count : 1); chunk++)
            {
                for (var sample = 0; sample < batch; sample++)
                {
                    var row = chunk * batch + sample;
                    var peak = raw.AsSpan(row * rawPlane, rawPlane).ToArray().Max();
                    var normalised = Normalise(values.AsSpan(row * plane, plane));
                    var covered = layout == FeatureMapLayout.StackedOnBatch ? [inputs[chunk]] : inputs;
                    foreach (var input in covered)
                    {
                        perSample[sample].Add(new InputHeatmap(input, method, name, covered.Where(i => i != input).ToList(),
                            (int)height, (int)width, normalised, Math.Max(0, peak)));
                    }
                }
            }
        }

        private static float[] Normalise(ReadOnlySpan<float> values)
        {
            var result = new float[values.Length];
            var max = 0f;
            foreach (var v in values) max = Math.Max(max, v);
            if (max <= 0 || !float.IsFinite(max)) return result;
            for (var i = 0; i < values.Length; i++) result[i] = Math.Clamp(values[i] / max, 0f, 1f);
            return result;
        }

        public void Dispose()
        {
            _remove?.Invoke();
            _remove = null;
            _output?.Dispose();
            _output = null;
        }
    }
}
