using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Inference;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Registry;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Domain.Training.Isolation;
using CaptionBoundaries.Infrastructure.Configuration;
using CaptionBoundaries.Infrastructure.DatasetVersions;
using CaptionBoundaries.Infrastructure.Monitoring;
using CaptionBoundaries.Infrastructure.Registry;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Security.Paths;
using CaptionBoundaries.Infrastructure.Tracking;
using CaptionBoundaries.Infrastructure.Training;
using FluentValidation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Infrastructure;

public static class InfrastructureRegistration
{
    /// <summary>
    /// The domain's services and what they are stored in: settings (checked first), the tracking database, the plugin
    /// registry, checkpoints and the model registry, webhooks, monitoring, training and its isolation, dataset
    /// versioning, accounts. Every host adds these through the Application (AddCaptionBoundaries); grains resolve them.
    /// </summary>
    public static IServiceCollection AddCaptionBoundariesInfrastructure(this IServiceCollection services, IConfiguration configuration)
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
        services.AddSingleton<ParameterCountCache>();
        services.AddSingleton(configuration.GetSection(RegistryOptions.Section).Get<RegistryOptions>() ?? new RegistryOptions());
        services.AddSingleton<CheckpointStore>();
        services.AddSingleton<ModelRegistryStore>();
        services.AddSingleton<RegisteredModels>();
        services.AddSingleton(configuration.GetSection(WebhookOptions.Section).Get<WebhookOptions>() ?? new WebhookOptions());
        services.AddSingleton<WebhookPublisher>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddScoped<RunArtifactStore>();
        services.AddScoped<RunLogWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        services.AddMonitoring(configuration);
        services.AddSingleton<Trainer>();
        services.AddSingleton(TrainingOptions.From(configuration));
        services.AddSingleton<RunMemoryEstimator>();
        services.AddScoped<ExperimentRunner>();
        // The one validator of a run spec, used by every request that carries one and by sweeps for their trials.
        services.AddScoped<IValidator<RunSpec>, RunSpecValidator>();
        services.AddScoped<RequestPaths>();
        services.AddSingleton(configuration.GetSection(LimitsOptions.Section).Get<LimitsOptions>() ?? new LimitsOptions());
        services.AddSingleton<ExpensiveReads>();
        services.AddDatasetVersioning(configuration, options);
        services.AddAccounts();
        return services;
    }
}
