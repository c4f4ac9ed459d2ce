using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Datasets;
using static TorchSharp.torch;

namespace CaptionBoundaries.Domain.Explain;

/// <summary>
/// Grad-CAM over prepared samples with a loaded model, rendered as PNGs at the model's input size: the one code path
/// behind every explanation, whether the samples come from a dataset folder (<see cref="ExplainSession"/>) or from a
/// request's bytes (the console's try-it panel).
/// </summary>
public static class SampleExplainer
{
    private const int BatchSize = 8;

    /// <summary>
    /// Explains each sample (in order) for its own target class index (null: the class the model predicts).
    /// <paramref name="validationIndex"/> gives a sample's position in a validation split, when it has one.
    /// </summary>
    public static IReadOnlyList<ExplainedSample> Explain(
        CaptionBoundaryModel model, ImageTransform transform, Device device,
        IReadOnlyList<DatasetSample> samples, IReadOnlyList<int?> targets, Func<DatasetSample, int?>? validationIndex = null)
    {
        if (targets.Count != samples.Count) throw new ArgumentException("Give one target per sample.", nameof(targets));
        var results = new List<ExplainedSample>(samples.Count);
        for (var start = 0; start < samples.Count; start += BatchSize)
        {
            var chunk = samples.Skip(start).Take(BatchSize).ToList();
            using var batch = CaptionDataset.MakeBatch(chunk, transform, device);
            using var scope = NewDisposeScope();
            var explained = GradCam.Explain(model, batch.Inputs, targets.Skip(start).Take(chunk.Count).ToList());
            for (var i = 0; i < chunk.Count; i++) results.Add(Render(chunk[i], explained[i], transform, validationIndex?.Invoke(chunk[i])));
        }
        return results;
    }

    private static ExplainedSample Render(DatasetSample sample, SampleHeatmaps heatmaps, ImageTransform transform, int? validationIndex)
    {
        var probabilities = Softmax(heatmaps.Logits);
        var predicted = Array.IndexOf(probabilities, probabilities.Max());
        var images = new Dictionary<string, RgbImage>
        {
            [TaskSpec.Frame1] = RgbImage.FromPlanar(sample.Frame1, transform.Width, transform.Height),
            [TaskSpec.Frame2] = RgbImage.FromPlanar(sample.Frame2, transform.Width, transform.Height),
            [TaskSpec.OcrViz] = RgbImage.FromPlanar(sample.OcrViz, transform.Width, transform.Height),
        };
        var pngs = images.ToDictionary(kv => kv.Key, kv => kv.Value.EncodePng());
        var maps = heatmaps.Heatmaps.Select(h => new ExplainedMap(
            h.Input, h.Method, h.Source, h.SharedWith, h.Peak,
            pngs[h.Input], HeatmapOverlay.Blend(images[h.Input], h).EncodePng(), HeatmapOverlay.Colorize(h).EncodePng())).ToList();
        return new ExplainedSample(
            sample.Id, sample.Split, validationIndex, sample.LabelName, TaskSpec.Classes[predicted], probabilities[predicted],
            TaskSpec.Classes.Select((c, k) => (c, k)).ToDictionary(x => x.c, x => probabilities[x.k]),
            TaskSpec.Classes[heatmaps.TargetClass], maps);
    }

    private static double[] Softmax(float[] logits)
    {
        var max = logits.Max();
        var exp = logits.Select(l => Math.Exp(l - max)).ToArray();
        var sum = exp.Sum();
        return exp.Select(e => e / sum).ToArray();
    }
}
