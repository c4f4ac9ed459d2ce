using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Support;

/// <summary>
/// Runs written straight into the tracking database, as the runner (native runs, with epochs) or the MLflow API
/// (external runs: metric series, params and tags only) would leave them, for tests about what is read and shown
/// rather than about training.
/// </summary>
public static class TrackedRuns
{
    public static async Task<Guid> NativeAsync(IServiceProvider services, string name, string owner, bool isPrivate = false,
        string architecture = "tiny_test_cnn", double[]? valF1 = null, long? trainableParameters = 1234,
        ExperimentStatus status = ExperimentStatus.Completed, DateTime? startedAtUtc = null, TimeSpan? duration = null)
    {
        valF1 ??= [0.3, 0.5, 0.45];
        var started = startedAtUtc ?? new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        var run = Row(name, owner, isPrivate, architecture, Experiment.NativeSource, status, started, duration ?? TimeSpan.FromSeconds(90));
        run.TotalParameters = trainableParameters * 2;
        run.TrainableParameters = trainableParameters;
        for (var i = 0; i < valF1.Length; i++)
        {
            run.Epochs.Add(new EpochMetric
            {
                Epoch = i + 1,
                TrainLoss = 1.0 / (i + 1),
                ValLoss = 1.2 / (i + 1),
                ValAccuracy = valF1[i] + 0.05,
                ValMacroF1 = valF1[i],
                PerClassF1Json = "{}",
                ConfusionMatrixJson = "[]",
                DurationSeconds = 10,
                RecordedAtUtc = started.AddSeconds(10 * (i + 1)),
            });
        }
        if (status == ExperimentStatus.Completed && valF1.Length > 0)
        {
            run.BestValMacroF1 = valF1.Max();
            run.BestEpoch = Array.IndexOf(valF1, valF1.Max()) + 1;
        }
        return await SaveAsync(services, run);
    }

    /// <summary>A run as an MLflow client logs it: no epochs or checkpoints; metric series by step, params and tags.</summary>
    public static async Task<Guid> ExternalAsync(IServiceProvider services, string name, string owner,
        IReadOnlyDictionary<string, double[]> metrics, IReadOnlyDictionary<string, string>? parameters = null,
        IReadOnlyDictionary<string, string>? tags = null, bool isPrivate = false)
    {
        var run = Row(name, owner, isPrivate, "", Experiment.MlflowSource, ExperimentStatus.Completed,
            new DateTime(2026, 1, 3, 0, 0, 0, DateTimeKind.Utc), TimeSpan.FromMinutes(5));
        var id = await SaveAsync(services, run);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
        foreach (var (key, values) in metrics)
            for (var step = 0; step < values.Length; step++)
                db.RunMetrics.Add(new RunMetric
                {
                    ExperimentId = id,
                    Key = key,
                    Step = step * 10,
                    Value = double.IsNaN(values[step]) ? 0 : values[step],
                    IsNaN = double.IsNaN(values[step]),
                    TimestampMs = 1_700_000_000_000 + step,
                });
        foreach (var (key, value) in parameters ?? new Dictionary<string, string>()) db.RunParams.Add(new RunParam { ExperimentId = id, Key = key, Value = value });
        foreach (var (key, value) in tags ?? new Dictionary<string, string>()) db.RunTags.Add(new RunTag { ExperimentId = id, Key = key, Value = value });
        await db.SaveChangesAsync();
        return id;
    }

    private static Experiment Row(string name, string owner, bool isPrivate, string architecture, string source, ExperimentStatus status,
        DateTime started, TimeSpan duration) => new()
        {
            Id = Guid.NewGuid(),
            Name = name,
            ArchitectureName = architecture,
            ModelConfigJson = "{}",
            HyperparametersJson = source == Experiment.NativeSource ? """{"lr":"0.01","epochs":"3"}""" : "{}",
            AugmentationName = source == Experiment.NativeSource ? "none" : "",
            EmbedderName = "",
            EmbedderVersion = "",
            DatasetIdentity = source == Experiment.NativeSource ? "abcdef0123456789" : "",
            DatasetName = source == Experiment.NativeSource ? "demo" : "",
            DatasetPath = "",
            GitCommit = "",
            Device = "cpu",
            Status = status,
            CreatedAtUtc = started.AddSeconds(-5),
            StartedAtUtc = started,
            FinishedAtUtc = status is ExperimentStatus.Running or ExperimentStatus.Queued ? null : started + duration,
            Owner = owner,
            IsPrivate = isPrivate,
            Source = source,
        };

    private static async Task<Guid> SaveAsync(IServiceProvider services, Experiment run)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
        db.Experiments.Add(run);
        await db.SaveChangesAsync();
        return run.Id;
    }
}
