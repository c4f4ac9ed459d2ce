using CaptionBoundaries.Grains.Models;
using CaptionBoundaries.Application.Features.Serving;
using CaptionBoundaries.Grains.Serving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CaptionBoundaries.Grains;

public static class ModelServingRegistration
{
    /// <summary>
    /// Services the model and predictor grains need, on top of the Application's (AddCaptionBoundaries):
    /// the switch validator and the silo-wide cache of loaded versions with its batching queues.
    /// </summary>
    public static IServiceCollection AddModelServing(this IServiceCollection services, ServingOptions? options = null)
    {
        services.TryAddSingleton(options ?? new ServingOptions());
        services.TryAddSingleton<ModelVersionValidator>();
        services.TryAddSingleton<LoadedModelCache>();
        services.TryAddSingleton<ActiveVersionFallback>();
        services.TryAddSingleton<ServingRecorder>();
        services.TryAddSingleton<ShadowTraffic>();
        services.TryAddSingleton<IServingFigures, ServingFiguresSource>();
        return services;
    }
}
