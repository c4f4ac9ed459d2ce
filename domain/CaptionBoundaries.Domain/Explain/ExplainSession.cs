using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Inference;
using static TorchSharp.torch;

namespace CaptionBoundaries.Domain.Explain;

/// <summary>
/// A model rebuilt from a checkpoint and a dataset folder prepared exactly as the model was trained on it (same font
/// embedder, same input size): what every explanation (CLI, API, console) starts from. Disposing frees the model.
/// </summary>
public sealed class ExplainSession : IDisposable
{
    private ExplainSession(LoadedModel model, CaptionDataset dataset, Device device)
    {
        Model = model;
        Dataset = dataset;
        Device = device;
        ValidationIndex = dataset.Validation.Select((s, i) => (s.Id, i)).ToDictionary(x => x.Id, x => x.i);
    }

    public LoadedModel Model { get; }
    public CaptionDataset Dataset { get; }
    public Device Device { get; }
    private Dictionary<string, int> ValidationIndex { get; }

    public static ExplainSession Open(CheckpointLoader loader, string checkpointPath, string datasetFolder, Device device)
    {
        var loaded = loader.Load(checkpointPath, device);
        try
        {
            var meta = loaded.Metadata;
            var embedder = loader.EmbedderFor(meta, $"Checkpoint '{checkpointPath}'");
            var dataset = CaptionDataset.Load(datasetFolder, embedder, new ImageTransform(meta.ImageHeight, meta.ImageWidth));
            return new ExplainSession(loaded, dataset, device);
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
    }

    /// <summary>What a reader of the heatmaps must know about this architecture (shared maps, uncovered inputs).</summary>
    public IReadOnlyList<string> ArchitectureNotes() => Notes(Model.Model);

    /// <summary>A warning when the dataset is not the one the checkpoint was trained and validated on.</summary>
    public string? DatasetDrift() =>
        Dataset.Identity == Model.Metadata.DatasetIdentity
            ? null
            : $"The dataset at {Dataset.Folder} is not the one the checkpoint was validated on (identity {Short(Dataset.Identity)}, checkpoint {Short(Model.Metadata.DatasetIdentity)}); " +
              "its samples and predictions may not match the run's confusion matrix.";

    public List<Prediction> Predict(IReadOnlyList<DatasetSample> samples) =>
        samples.Count == 0 ? [] : Predictor.Predict(Model, Dataset, samples, 32, Device);

    /// <summary>Explains each sample (in order) for the class <paramref name="target"/> names (see <see cref="ExplainTarget"/>).</summary>
    public IReadOnlyList<ExplainedSample> Explain(IReadOnlyList<DatasetSample> samples, string target) =>
        Explain(samples, samples.Select(s => ExplainTarget.ClassIndex(target, s.Label)).ToList());

    /// <summary>Explains each sample for its own target class index (null: the class the model predicts).</summary>
    public IReadOnlyList<ExplainedSample> Explain(IReadOnlyList<DatasetSample> samples, IReadOnlyList<int?> targets) =>
        SampleExplainer.Explain(Model.Model, Dataset.Transform, Device, samples, targets,
            s => s.Split == DatasetSplit.Validation && ValidationIndex.TryGetValue(s.Id, out var index) ? index : null);

    /// <summary>Notes on a model's exposed maps, for the CLI, the API and the console alike.</summary>
    public static IReadOnlyList<string> Notes(CaptionBoundaryModel model)
    {
        var notes = new List<string>();
        var conv = (model as IExposesConvFeatures)?.LastConvStages ?? [];
        foreach (var source in conv.Where(s => s.Inputs.Count > 1))
        {
            notes.Add(source.Layout == FeatureMapLayout.Joint
                ? $"{model.GetName()}: '{source.Name}' is one feature map over {string.Join(", ", source.Inputs)} stacked as channels, " +
                  "so their Grad-CAM heatmaps are the same map: it shows where the model looked in all of them together, not in each image separately."
                : $"{model.GetName()}: '{source.Name}' is one backbone shared by {string.Join(", ", source.Inputs)}, run on each image: every image has its own heatmap.");
        }
        var uncovered = GradCam.ImageInputs.Where(i => !conv.Any(s => s.Inputs.Contains(i))).ToList();
        if (conv.Count > 0 && uncovered.Count > 0)
            notes.Add($"{model.GetName()} exposes no feature map for {string.Join(", ", uncovered)}: no heatmap for {(uncovered.Count == 1 ? "it" : "them")}.");
        return notes;
    }

    private static string Short(string identity) => identity[..Math.Min(12, identity.Length)];

    public void Dispose() => Model.Dispose();
}
