using CaptionBoundaries.Application.Configuration;
using CaptionBoundaries.Application.DatasetVersions;
using CaptionBoundaries.Application.Infrastructure;
using CaptionBoundaries.Application.Inference;
using CaptionBoundaries.Application.Monitoring;
using CaptionBoundaries.Application.Plugins;
using CaptionBoundaries.Application.Registry;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Application.Tracking;
using CaptionBoundaries.Application.Training;
using CaptionBoundaries.Application.Validation;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Application;

public static class ServiceRegistration
{
    /// <summary>Registers the use cases (Mediator handlers + validators) and the services they use.</summary>
    public static IServiceCollection AddCaptionBoundaries(this IServiceCollection services, IConfiguration configuration)
    {
        // Before anything is created: a wrong value stops start-up here, naming its key.
        ConfigurationValidator.ThrowIfInvalid(configuration);
        var options = configuration.GetSection(CaptionBoundariesOptions.Section).Get<CaptionBoundariesOptions>() ?? new CaptionBoundariesOptions();
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        services.AddSingleton(options);
        services.AddSingleton(database);
        services.AddTrackingDatabase(database, options.ResolvedDataFolder);

        services.AddSingleton(sp =>
        {
            var registry = new PluginRegistry(
                new PluginRegistryOptions { PluginsFolder = options.ResolvedPluginsFolder },
                sp.GetRequiredService<ILogger<PluginRegistry>>());
            registry.LoadAll();
            return registry;
        });
        services.AddSingleton<CheckpointLoader>();
        services.AddSingleton<PluginInstaller>();
        services.AddSingleton(configuration.GetSection(RegistryOptions.Section).Get<RegistryOptions>() ?? new RegistryOptions());
        services.AddSingleton<CheckpointStore>();
        services.AddSingleton<ModelRegistryStore>();
        services.AddSingleton<RegisteredModels>();
        services.AddSingleton(configuration.GetSection(WebhookOptions.Section).Get<WebhookOptions>() ?? new WebhookOptions());
        services.AddSingleton<WebhookPublisher>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        services.AddMonitoring(configuration);
        services.AddSingleton<Features.Models.ParameterCountCache>();
        services.AddSingleton<Trainer>();
        services.AddSingleton(Training.Isolation.TrainingOptions.From(configuration));
        services.AddSingleton<Training.Isolation.RunMemoryEstimator>();
        services.AddScoped<Features.Training.ExperimentRunner>();
        services.AddScoped<Security.Paths.RequestPaths>();
        services.AddScoped<Features.Serving.PredictionAttempt>();
        services.AddSingleton(configuration.GetSection(LimitsOptions.Section).Get<LimitsOptions>() ?? new LimitsOptions());
        services.AddSingleton<ExpensiveReads>();
        services.AddDatasetVersioning(configuration, options);

        services.AddAccounts();
        services.AddMediator((MediatorOptions o) =>
        {
            o.ServiceLifetime = ServiceLifetime.Scoped;
            // Audit outermost (it records refusals too), then who may send the request, then whether it is well formed.
            o.PipelineBehaviors = [typeof(AuditBehavior<,>), typeof(AuthorizationBehavior<,>), typeof(ModelVisibilityBehavior<,>), typeof(ValidationBehavior<,>)];
        });
        services.AddValidatorsFromAssemblyContaining<CaptionBoundariesOptions>(ServiceLifetime.Scoped);
        return services;
    }
}
