using CaptionBoundaries.Application.Features.Serving;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using FluentValidation;
using FluentValidation.Results;

namespace CaptionBoundaries.Host.Api.InferenceProtocol;

/// <summary>
/// Protocol tensors to the samples of a <see cref="PredictCommand"/>, and its answers back to tensors. Every check that
/// depends only on the request (names, datatypes, shapes against the data, batch sizes, limits, finite values) is made
/// here, before anything is sent to a predictor, and each failure names its input; the predictor still checks what
/// only decoding can tell (a PNG that is not one, an image over the pixel cap in its header).
/// </summary>
public static class TensorMapping
{
    /// <summary>The samples, in batch order, or a <see cref="ValidationException"/> naming every input that is wrong.</summary>
    public static PredictionInput[] ToSamples(IReadOnlyList<InferTensor> inputs, int maxSamples)
    {
        var failures = new List<ValidationFailure>();
        void Fail(string field, string message) => failures.Add(new ValidationFailure(field, message));

        var byName = new Dictionary<string, InferTensor>(StringComparer.Ordinal);
        foreach (var tensor in inputs)
        {
            if (!ModelSignature.InputNames.Contains(tensor.Name))
                Fail(tensor.Name.Length == 0 ? "inputs" : tensor.Name,
                    $"Unknown input '{tensor.Name}'; this model takes {string.Join(", ", ModelSignature.InputNames)}.");
            else if (!byName.TryAdd(tensor.Name, tensor))
                Fail(tensor.Name, $"Input '{tensor.Name}' is sent twice.");
        }
        foreach (var name in ModelSignature.InputNames.Where(n => !ModelSignature.Optional.Contains(n) && !byName.ContainsKey(n)))
            Fail(name, $"Input '{name}' is required{(ModelSignature.Images.Contains(name)
                ? ": FP32 [N, 3, H, W] pixel values in [0, 1], or BYTES [N] encoded PNG/JPEG images"
                : $": FP32 [N, {TaskSpec.SpatialFeatureCount}]")}.");
        ThrowIfAny(failures);

        // Every input holds the same N samples; N comes from the first dimension of each.
        long? batch = null;
        string first = "";
        foreach (var name in ModelSignature.InputNames.Where(byName.ContainsKey))
        {
            var tensor = byName[name];
            if ((ShapeProblem(tensor) ?? ElementCountProblem(tensor)) is { } problem)
            {
                Fail(name, problem);
                continue;
            }
            if (batch is null)
            {
                (batch, first) = (tensor.Shape[0], name);
            }
            else if (tensor.Shape[0] != batch)
            {
                Fail(name, $"Input '{name}' holds {tensor.Shape[0]} samples (its first dimension) but '{first}' holds {batch}: every input holds the same samples.");
            }
        }
        ThrowIfAny(failures);
        if (batch < 1) Fail(first, $"Input '{first}' holds no sample (its first dimension is 0); at least one is required.");
        else if (batch > maxSamples)
            Fail(first, $"A request holds at most {maxSamples} samples (Limits:MaxPredictSamples); '{first}' holds {batch}.");
        ThrowIfAny(failures);

        var n = (int)batch!.Value;
        var images = ModelSignature.Images.ToDictionary(name => name, name => Images(byName[name], n, Fail));
        var vectors = ModelSignature.Vectors.ToDictionary(v => v.Name, v => byName.TryGetValue(v.Name, out var t) ? Rows(t, v.Width, n, Fail) : null);
        ThrowIfAny(failures);

        var samples = new PredictionInput[n];
        for (var i = 0; i < n; i++)
        {
            samples[i] = new PredictionInput(images[TaskSpec.Frame1]![i], images[TaskSpec.Frame2]![i], images[TaskSpec.OcrViz]![i],
                vectors[TaskSpec.SpatialFeatures]![i], CaptionBox(vectors[ModelSignature.CaptionBox]?[i]), vectors[TaskSpec.FontEmbedding]?[i]);
        }
        return samples;
    }

    /// <summary>
    /// A tensor has a row for every sample, so a sample without a caption box (no caption on either frame) sends four
    /// zeros: the embedder then finds the region from the spatial features, as when the box is left out.
    /// </summary>
    private static float[]? CaptionBox(float[]? row) => row is null || row.All(v => v == 0f) ? null : row;

    /// <summary>Refuses outputs this model does not give, and an output asked for twice, before anything is predicted.</summary>
    public static void CheckOutputs(IReadOnlyList<RequestedOutput>? requested)
    {
        if (requested is null) return;
        var failures = new List<ValidationFailure>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var output in requested)
        {
            if (!ModelSignature.OutputNames.Contains(output.Name))
                failures.Add(new ValidationFailure("outputs", $"Unknown output '{output.Name}'; this model gives {string.Join(", ", ModelSignature.OutputNames)}."));
            else if (!seen.Add(output.Name))
                failures.Add(new ValidationFailure("outputs", $"Output '{output.Name}' is asked for twice."));
        }
        ThrowIfAny(failures);
    }

    /// <summary>
    /// The answers as tensors, in the order asked for (else probabilities, then predicted_class): probabilities FP32
    /// [N, 5] in <see cref="TaskSpec.Classes"/> order, predicted_class BYTES [N] holding the class names.
    /// </summary>
    public static IReadOnlyList<OutputTensor> Outputs(PredictionBatch batch, IReadOnlyList<RequestedOutput>? requested, bool binaryByDefault)
    {
        var n = batch.Predictions.Count;
        var wanted = requested ?? ModelSignature.OutputNames.Select(name => new RequestedOutput(name, binaryByDefault)).ToList();
        return wanted.Select(output => output.Name switch
        {
            ModelSignature.Probabilities => new OutputTensor(output.Name, ModelSignature.Fp32, [n, TaskSpec.ClassCount],
                Fp32: batch.Predictions.SelectMany(p => TaskSpec.Classes.Select(c => (float)p.Probabilities[c])).ToArray(), Binary: output.Binary),
            ModelSignature.PredictedClass => new OutputTensor(output.Name, ModelSignature.Bytes, [n],
                Strings: batch.Predictions.Select(p => p.PredictedClass).ToArray(), Binary: output.Binary),
            _ => throw new InvalidOperationException($"Output '{output.Name}' was not checked."),
        }).ToList();
    }

    /// <summary>
    /// What the declared shape alone gets wrong: a rank, a channel count, an image over the pixel cap. Checked before the
    /// data is counted, so a hostile shape is named for what it is.
    /// </summary>
    private static string? ShapeProblem(InferTensor tensor)
    {
        if (tensor.Shape.Length == 0 || tensor.Shape.Any(d => d < 0)) return null;
        if (ModelSignature.Images.Contains(tensor.Name) && tensor.Datatype == ModelSignature.Fp32)
        {
            if (tensor.Shape is not [_, TaskSpec.ImageChannels, > 0, > 0])
                return $"FP32 input '{tensor.Name}' must have shape [N, 3, H, W] (planar RGB, values in [0, 1]); got [{Shape(tensor.Shape)}].";
            var (height, width) = (tensor.Shape[2], tensor.Shape[3]);
            if (height > InputLimits.MaxImagePixels || width > InputLimits.MaxImagePixels || height * width > InputLimits.MaxImagePixels)
                return $"Input '{tensor.Name}' has images of {width} x {height} pixels; at most {InputLimits.MaxImagePixels:N0} pixels are accepted.";
        }
        return null;
    }

    /// <summary>The shape's element count against the data that came (counted, never allocated from the shape).</summary>
    private static string? ElementCountProblem(InferTensor tensor)
    {
        if (tensor.Shape.Length == 0) return $"Input '{tensor.Name}' has no shape; its first dimension is the number of samples.";
        if (tensor.Shape.Any(d => d < 0)) return $"Input '{tensor.Name}' has a negative dimension in its shape [{Shape(tensor.Shape)}].";
        var actual = (long?)tensor.Fp32?.Length ?? tensor.Bytes?.Length ?? 0;
        long expected = 1;
        foreach (var d in tensor.Shape)
        {
            // Past the data's own count the product can only disagree; stopping there also keeps it from overflowing.
            if (d != 0 && expected > actual / d) return Mismatch(tensor, actual);
            expected *= d;
        }
        return expected == actual ? null : Mismatch(tensor, actual);
    }

    private static string Mismatch(InferTensor tensor, long actual) =>
        $"Input '{tensor.Name}' has shape [{Shape(tensor.Shape)}] but {actual:N0} {(tensor.Datatype == ModelSignature.Bytes ? "elements" : "values")} were sent.";

    private static InputImage[]? Images(InferTensor tensor, int n, Action<string, string> fail)
    {
        var name = tensor.Name;
        switch (tensor.Datatype)
        {
            case ModelSignature.Fp32:
                {
                    // ShapeProblem checked the rank, the channels and the pixel cap.
                    var (height, width) = (tensor.Shape[2], tensor.Shape[3]);
                    var values = tensor.Fp32!;
                    for (var i = 0; i < values.Length; i++)
                    {
                        if (float.IsFinite(values[i]) && values[i] is >= 0f and <= 1f) continue;
                        fail(name, $"Input '{name}' holds pixel values in [0, 1]; value {i} is {values[i]}.");
                        return null;
                    }
                    var size = (int)(TaskSpec.ImageChannels * height * width);
                    return Enumerable.Range(0, n)
                        .Select(i => InputImage.FromPixels(values.AsSpan(i * size, size).ToArray(), (int)height, (int)width)).ToArray();
                }
            case ModelSignature.Bytes:
                {
                    if (tensor.Shape is not ([_] or [_, 1]))
                    {
                        fail(name, $"BYTES input '{name}' must have shape [N] (or [N, 1]): one encoded PNG or JPEG file per sample; got [{Shape(tensor.Shape)}].");
                        return null;
                    }
                    var elements = tensor.Bytes!;
                    for (var i = 0; i < elements.Length; i++)
                    {
                        if (elements[i].Length == 0) fail(name, $"Input '{name}': element {i} is empty; each element is a PNG or JPEG file.");
                        else if (elements[i].Length > InputLimits.MaxImageBytes)
                            fail(name, $"Input '{name}': element {i} is {elements[i].Length:N0} bytes; at most {InputLimits.MaxImageBytes:N0} are accepted.");
                        else continue;
                        return null;
                    }
                    return elements.Select(InputImage.FromEncoded).ToArray();
                }
            default:
                fail(name, $"Input '{name}' has datatype {tensor.Datatype}; it takes FP32 [N, 3, H, W] pixel values in [0, 1] or BYTES [N] encoded PNG/JPEG images.");
                return null;
        }
    }

    private static float[][]? Rows(InferTensor tensor, int width, int n, Action<string, string> fail)
    {
        var name = tensor.Name;
        if (tensor.Datatype != ModelSignature.Fp32)
        {
            fail(name, $"Input '{name}' has datatype {tensor.Datatype}; it takes FP32 [N, {width}].");
            return null;
        }
        if (tensor.Shape is not [_, var w] || w != width)
        {
            fail(name, $"Input '{name}' must have shape [N, {width}]; got [{Shape(tensor.Shape)}].");
            return null;
        }
        var values = tensor.Fp32!;
        for (var i = 0; i < values.Length; i++)
        {
            if (float.IsFinite(values[i])) continue;
            fail(name, $"Input '{name}' holds finite numbers; value {i} (sample {i / width}) is {values[i]}.");
            return null;
        }
        return Enumerable.Range(0, n).Select(i => values.AsSpan(i * width, width).ToArray()).ToArray();
    }

    private static string Shape(long[] shape) => string.Join(", ", shape);

    private static void ThrowIfAny(List<ValidationFailure> failures)
    {
        if (failures.Count > 0) throw new ValidationException(failures);
    }
}
