using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Training;

namespace CaptionBoundaries.Bench.Asha;

/// <summary>
/// Trains benchmark trials in-process with the project's <see cref="Trainer"/>, as an experiment would (same plugins,
/// config merge, hyperparameters, seeding), but records nothing and writes no checkpoints: only the learning curve
/// matters. A trial told to stop is cancelled at the start of its next epoch, as a sweep cancels a trial's experiment.
/// Datasets are loaded once per input size and embedder and shared by the trials.
/// </summary>
public sealed class TrainerTrialRunner(PluginRegistry plugins, Trainer trainer, string device, string scratchFolder) : IBenchmarkTrialRunner
{
    private readonly Dictionary<(string Folder, string Embedder, int Height, int Width), CaptionDataset> _datasets = [];

    public void Run(RunSpec spec, Func<EpochMetrics, bool> onEpoch, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(onEpoch);
        var architecture = plugins.GetArchitecture(spec.Architecture);
        var config = architecture.DefaultConfig.MergeOverrides(spec.ModelConfig, spec.Architecture);
        var augmentation = plugins.GetAugmentation(spec.Augmentation);
        var embedder = plugins.GetEmbedder(spec.Embedder);
        var key = (Path.GetFullPath(spec.DatasetFolder), spec.Embedder, spec.ImageHeight, spec.ImageWidth);
        if (!_datasets.TryGetValue(key, out var dataset))
            _datasets[key] = dataset = CaptionDataset.Load(spec.DatasetFolder, embedder, new ImageTransform(spec.ImageHeight, spec.ImageWidth));

        var id = Guid.NewGuid();
        var run = new TrainingRunSpec(
            id, spec.Architecture, architecture, config, spec.Hyperparameters, dataset, spec.Augmentation, augmentation,
            spec.Embedder, embedder.Version, DeviceSelection.Resolve(device), Path.Combine(scratchFolder, id.ToString("N")),
            GitInfo.CurrentCommit, ResumeFrom: null, WriteCheckpoints: false);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            trainer.Run(run, (epoch, _) =>
            {
                var metrics = new EpochMetrics(id, epoch.Epoch, epoch.TrainLoss, epoch.ValLoss, epoch.Validation.Accuracy,
                    epoch.Validation.MacroF1, [.. epoch.Validation.PerClassF1ByName().Values]);
                if (!onEpoch(metrics)) stop.Cancel();
            }, progress, stop.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Stopped by the scheduler: the trial ends here.
        }
    }
}
