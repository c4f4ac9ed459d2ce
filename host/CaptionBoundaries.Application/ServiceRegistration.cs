using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Application.Validation;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure;
using CaptionBoundaries.Infrastructure.Security;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Application;

public static class ServiceRegistration
{
    /// <summary>Registers the use cases (Mediator handlers, their validators and pipeline) and the services they use.</summary>
    public static IServiceCollection AddCaptionBoundaries(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCaptionBoundariesInfrastructure(configuration);
        services.AddScoped<Features.Serving.PredictionAttempt>();
        services.AddScoped<Features.Mlflow.MlflowRunReader>();
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
