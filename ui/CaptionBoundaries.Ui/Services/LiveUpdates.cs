using CaptionBoundaries.Domain.Registry;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Grains.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Ui.Services;

/// <summary>
/// Grain observers for pages: the console's process co-hosts the silo, so a page can hear an experiment's epochs
/// and a model's changes as they happen instead of polling. Where no silo is hosted (component tests) subscribing
/// throws, and the page falls back to polling.
/// </summary>
public sealed class LiveUpdates(IServiceProvider services, ILogger<LiveUpdates> logger)
{
    public ILogger Logger => logger;

    /// <summary>Calls <paramref name="changed"/> on every epoch, every batch of step losses and every phase change of the experiment.</summary>
    public async Task<IAsyncDisposable> WatchExperiment(Guid id, Func<Task> changed)
    {
        var grain = Grains().GetGrain<IExperimentGrain>(id);
        return await GrainSubscription<IExperimentObserver>.Start(Grains(), new ExperimentWatcher(changed, logger),
            grain.Subscribe, grain.Unsubscribe, logger);
    }

    /// <summary>Calls <paramref name="changed"/> on every registry change of the model (register, switch, alias, archive).</summary>
    public async Task<IAsyncDisposable> WatchModel(string name, Func<ModelChangeNotice, Task> changed)
    {
        var grain = Grains().GetGrain<IModelGrain>(name);
        return await GrainSubscription<IModelObserver>.Start(Grains(), new ModelWatcher(changed, logger),
            grain.Subscribe, grain.Unsubscribe, logger);
    }

    private IGrainFactory Grains() => services.GetService<IGrainFactory>()
        ?? throw new InvalidOperationException("No Orleans silo or client is hosted in this process.");

    // Observer calls are one-way: the grain does not wait, so the page's reload runs detached and reports its own failures.
    private static void Detach(Func<Task> work, ILogger logger) => _ = Task.Run(async () =>
    {
        try
        {
            await work();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "A live update could not be applied");
        }
    });

    private sealed class ExperimentWatcher(Func<Task> changed, ILogger logger) : IExperimentObserver
    {
        public void OnEpoch(EpochMetrics metrics) => Detach(changed, logger);

        public void OnSteps(StepLosses steps) => Detach(changed, logger);

        public void OnChanged(ExperimentInfo info) => Detach(changed, logger);
    }

    private sealed class ModelWatcher(Func<ModelChangeNotice, Task> changed, ILogger logger) : IModelObserver
    {
        public void OnChanged(ModelChangeNotice notice) => Detach(() => changed(notice), logger);
    }
}
