using System.Threading.Channels;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Inference;
using CaptionBoundaries.Domain.Monitoring;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace CaptionBoundaries.Infrastructure.Monitoring;

/// <summary>What to profile: a registered version, and the dataset folder when the caller knows it.</summary>
public sealed record ReferenceJob(string Model, int Version, string CheckpointPath, Guid? ExperimentId, string? DatasetFolder = null, string? Split = null);

/// <summary>
/// Builds reference profiles in the background: when a version is registered (or a caller asks again with a
/// dataset folder), the version runs over its dataset's validation split (the dataset of the experiment that
/// trained it) and the predicted-class counts, confidences and input statistics are stored as the version's
/// <see cref="ModelReference"/>. Registration never waits for it; the row says pending, ready, missing or failed.
/// </summary>
public sealed class ReferenceProfiler(
    IServiceScopeFactory scopes,
    CheckpointLoader loader,
    PluginRegistry plugins,
    DriftMonitor monitor,
    ILogger<ReferenceProfiler> logger) : BackgroundService
{
    private readonly Channel<ReferenceJob> _jobs = Channel.CreateUnbounded<ReferenceJob>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Marks the version's reference pending and queues the job.</summary>
    public async Task EnqueueAsync(ReferenceJob job, CancellationToken ct = default)
    {
        await Save(job.Model, job.Version, r =>
        {
            r.Status = ModelReference.Pending;
            r.Note = null;
        }, ct);
        _jobs.Writer.TryWrite(job);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var job in _jobs.Reader.ReadAllAsync(stoppingToken))
        {
            // One job failing in an unexpected way (even in recording its failure) ends that job, never the profiler.
            await BackgroundLoop.RunOnceAsync($"Reference profile of {job.Model} v{job.Version}", logger, ct => Profile(job, ct), stoppingToken);
        }
    }

    private async Task Profile(ReferenceJob job, CancellationToken stoppingToken)
    {
        try
        {
            await Run(job, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            logger.LogWarning("Reference profile of {Model} v{Version} failed: {Error}", job.Model, job.Version, e.Message);
            await SaveQuietly(job, r =>
            {
                r.Status = ModelReference.Failed;
                r.Note = e.Message;
            });
        }
        monitor.InvalidateReference(job.Model, job.Version);
    }

    private async Task Run(ReferenceJob job, CancellationToken ct)
    {
        var folder = job.DatasetFolder;
        if (string.IsNullOrWhiteSpace(folder) && job.ExperimentId is { } experimentId)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
            folder = await db.Experiments.Where(e => e.Id == experimentId).Select(e => e.DatasetPath).SingleOrDefaultAsync(ct);
        }
        if (string.IsNullOrWhiteSpace(folder) || !File.Exists(Path.Combine(folder, DatasetManifest.FileName)))
        {
            await Save(job.Model, job.Version, r =>
            {
                r.Status = ModelReference.Missing;
                r.Note = string.IsNullOrWhiteSpace(folder)
                    ? "no dataset is known for this version (not trained by a tracked experiment); compute the reference with a dataset folder (POST /api/monitoring/models/{model}/versions/{version}/reference)"
                    : $"the training dataset '{folder}' is no longer there; compute the reference with another dataset folder";
                r.DatasetFolder = folder;
            }, ct);
            return;
        }

        var (profile, identity, split, note) = await Task.Run(() => Profile(job, folder, ct), ct);
        await Save(job.Model, job.Version, r =>
        {
            r.Status = ModelReference.Ready;
            r.Note = note;
            r.DatasetFolder = Path.GetFullPath(folder);
            r.DatasetIdentity = identity;
            r.Split = split;
            r.SampleCount = profile.SampleCount;
            r.ProfileJson = profile.ToJson();
        }, ct);
        logger.LogInformation("Reference profile of {Model} v{Version}: {Count} samples of {Folder} ({Split}).", job.Model, job.Version, profile.SampleCount, folder, split);
    }

    private (ReferenceProfile Profile, string Identity, string Split, string? Note) Profile(ReferenceJob job, string folder, CancellationToken ct)
    {
        using var loaded = loader.Load(job.CheckpointPath, CPU);
        var meta = loaded.Metadata;
        var embedder = plugins.GetEmbedder(meta.EmbedderName);
        var transform = new ImageTransform(meta.ImageHeight, meta.ImageWidth);
        var dataset = CaptionDataset.Load(folder, embedder, transform);
        ct.ThrowIfCancellationRequested();

        var split = job.Split ?? DatasetSplit.Validation;
        var notes = new List<string>();
        IReadOnlyList<DatasetSample> samples = split switch
        {
            DatasetSplit.Train => dataset.Train,
            "all" => [.. dataset.Train, .. dataset.Validation],
            _ => dataset.Validation,
        };
        if (samples.Count == 0 && split == DatasetSplit.Validation)
        {
            samples = dataset.Train;
            split = DatasetSplit.Train;
            notes.Add("the dataset has no validation split; the train split was used");
        }
        if (samples.Count == 0) throw new ArgumentException($"Dataset '{folder}' has no samples in split '{split}' to build a reference from.");
        if (job.DatasetFolder is null && !string.Equals(dataset.Identity, meta.DatasetIdentity, StringComparison.OrdinalIgnoreCase))
            notes.Add($"the dataset folder changed since training (identity {dataset.Identity[..12]}…, trained on {meta.DatasetIdentity[..Math.Min(12, meta.DatasetIdentity.Length)]}…)");

        var predictions = Predictor.Predict(loaded, dataset, samples, 16, CPU);
        var classCounts = new int[TaskSpec.ClassCount];
        var labelCounts = new int[TaskSpec.ClassCount];
        var correct = 0;
        foreach (var (p, s) in predictions.Zip(samples))
        {
            classCounts[TaskSpec.ClassIndex(p.PredictedClass)]++;
            labelCounts[s.Label]++;
            if (TaskSpec.ClassIndex(p.PredictedClass) == s.Label) correct++;
        }
        var stats = samples.Select(s => InputStatistics.Compute(s, transform.Height, transform.Width)).ToArray();
        var keep = Subsample(samples.Count);
        var profile = new ReferenceProfile
        {
            SampleCount = samples.Count,
            ClassCounts = classCounts,
            LabelCounts = labelCounts,
            Accuracy = correct / (double)samples.Count,
            Confidences = keep.Select(i => predictions[i].Confidence).ToArray(),
            Inputs = InputStatistics.Names.Select((name, k) => (name, values: (IReadOnlyList<double>)keep.Select(i => stats[i][k]).ToArray()))
                .ToDictionary(x => x.name, x => x.values),
        };
        return (profile, dataset.Identity, split, notes.Count == 0 ? null : string.Join("; ", notes));
    }

    /// <summary>Every index, or an evenly spaced <see cref="ReferenceProfile.MaxSample"/> of them.</summary>
    private static int[] Subsample(int count) => count <= ReferenceProfile.MaxSample
        ? Enumerable.Range(0, count).ToArray()
        : Enumerable.Range(0, ReferenceProfile.MaxSample).Select(i => (int)((long)i * count / ReferenceProfile.MaxSample)).ToArray();

    private async Task SaveQuietly(ReferenceJob job, Action<ModelReference> update)
    {
        try
        {
            await Save(job.Model, job.Version, update, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Recording the reference state of {Model} v{Version} failed.", job.Model, job.Version);
        }
    }

    private async Task Save(string model, int version, Action<ModelReference> update, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
        var row = await db.ModelReferences.SingleOrDefaultAsync(r => r.ModelName == model && r.Version == version, ct);
        if (row is null)
        {
            row = new ModelReference { ModelName = model, Version = version, Status = ModelReference.Pending };
            db.ModelReferences.Add(row);
        }
        update(row);
        row.UpdatedAtUtc = DateTime.UtcNow;
        await db.SaveChangesAsync(ct);
    }
}
