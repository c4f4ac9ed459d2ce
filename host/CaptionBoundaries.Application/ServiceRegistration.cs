using CaptionBoundaries.Infrastructure.Configuration;
using CaptionBoundaries.Infrastructure.DatasetVersions;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Inference;
using CaptionBoundaries.Domain.Monitoring;
using CaptionBoundaries.Infrastructure.Monitoring;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Registry;
using CaptionBoundaries.Infrastructure.Registry;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Tracking;
using CaptionBoundaries.Domain.Training;
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
        services.AddSingleton<Features.Registry.ParameterCountCache>();
        services.AddSingleton<Trainer>();
        services.AddSingleton(Domain.Training.Isolation.TrainingOptions.From(configuration));
        services.AddSingleton<Domain.Training.Isolation.RunMemoryEstimator>();
        services.AddScoped<Infrastructure.Training.ExperimentRunner>();
        // The one validator of a run spec, used by every request that carries one and by sweeps for their trials.
        services.AddScoped<IValidator<Domain.Training.RunSpec>, Infrastructure.Training.RunSpecValidator>();
        services.AddScoped<Infrastructure.Security.Paths.RequestPaths>();
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
        services.AddValidatorsFromAssembly(typeof(ServiceRegistration).Assembly, ServiceLifetime.Scoped);
        return services;
    }
}
