using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Datasets;
using TorchSharp;
using static TorchSharp.torch;

namespace CaptionBoundaries.Domain.Inference;

/// <summary>Runs a loaded model over dataset samples in batches.</summary>
public static class Predictor
{
    public static List<Prediction> Predict(LoadedModel loaded, CaptionDataset dataset, IReadOnlyList<DatasetSample> samples, int batchSize, Device device)
    {
        var results = new List<Prediction>(samples.Count);
        loaded.Model.eval();
        using var noGrad = torch.no_grad();
        foreach (var batch in dataset.Batches(samples, batchSize, shuffle: false, seed: 0, device))
        {
            using var scope = torch.NewDisposeScope();
            using var _ = batch;
            var logits = loaded.Model.forward(batch.Inputs).cpu();
            var probabilities = nn.functional.softmax(logits, 1);
            var logitRows = logits.data<float>().ToArray();
            var probabilityRows = probabilities.data<float>().ToArray();
            var labels = batch.Labels.cpu().data<long>().ToArray();
            for (var i = 0; i < batch.SampleIds.Count; i++)
            {
                var p = probabilityRows.AsSpan(i * TaskSpec.ClassCount, TaskSpec.ClassCount).ToArray();
                var best = Array.IndexOf(p, p.Max());
                results.Add(new Prediction(
                    batch.SampleIds[i],
                    TaskSpec.Classes[best],
                    p[best],
                    TaskSpec.Classes.Select((c, k) => (c, k)).ToDictionary(x => x.c, x => (double)p[x.k]),
                    labels[i] >= 0 ? TaskSpec.Classes[(int)labels[i]] : null,
                    logitRows.AsSpan(i * TaskSpec.ClassCount, TaskSpec.ClassCount).ToArray().Select(v => (double)v).ToArray()));
            }
        }
        return results;
    }
}
