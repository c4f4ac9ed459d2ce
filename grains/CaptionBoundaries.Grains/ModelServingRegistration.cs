using CaptionBoundaries.Domain.Serving;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Grains.Models;
using CaptionBoundaries.Grains.Predictors;
using CaptionBoundaries.Grains.Scheduling;
using CaptionBoundaries.Serving;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Grains;

public static class ModelServingRegistration
{
    /// <summary>
    /// Services the model and predictor grains need, on top of the Application's (AddCaptionBoundaries):
    /// the switch validator, the silo-wide cache of loaded versions with its batching queues on the node's device,
    /// and the serving counters with their Prometheus collectors.
    /// </summary>
    public static IServiceCollection AddModelServing(this IServiceCollection services, ServingOptions? options = null)
    {
        services.TryAddSingleton(options ?? new ServingOptions());
        services.TryAddSingleton<ModelVersionValidator>();
        services.TryAddSingleton(sp => ServingDevice.For(SlotDevice(sp), sp.GetRequiredService<ILogger<ServingDevice>>()));
        services.TryAddSingleton<ServingMetrics>();
        services.TryAddSingleton<LoadedModelCache>();
        services.TryAddSingleton<ActiveVersionFallback>();
        services.TryAddSingleton<ServingRecorder>();
        services.TryAddSingleton<ShadowTraffic>();
        services.TryAddSingleton<IServingFigures, ServingFiguresSource>();
        return services;
    }

    /// <summary>The device of this node's worker slots (Cluster:Device), which serving follows.</summary>
    private static string SlotDevice(IServiceProvider services) =>
        services.GetService<WorkerSlots>()?.Device
        ?? (services.GetService<IConfiguration>() is { } configuration ? WorkerSlots.From(configuration).Device : "cpu");
}
