using CaptionBoundaries.Domain.Monitoring;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Infrastructure.Monitoring;

public static class MonitoringRegistration
{
    /// <summary>
    /// The prediction log (a hosted service: started with the host, drained when it stops), the drift monitor it
    /// drives, and the reference profiler that model registration feeds.
    /// </summary>
    public static IServiceCollection AddMonitoring(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(MonitoringOptions.Section).Get<MonitoringOptions>() ?? new MonitoringOptions();
        options.Validate();
        services.AddSingleton(options);
        services.AddSingleton<DriftMonitor>();
        services.AddSingleton<PredictionLog>();
        services.AddHostedService(sp => sp.GetRequiredService<PredictionLog>());
        services.AddSingleton<ReferenceProfiler>();
        services.AddHostedService(sp => sp.GetRequiredService<ReferenceProfiler>());
        return services;
    }
}
