using CaptionBoundaries.Ui.Services;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Radzen;

namespace CaptionBoundaries.Ui;

public static class UiServiceRegistration
{
    /// <summary>The console's own services; the host adds Razor components and the application's handlers.</summary>
    public static IServiceCollection AddCaptionBoundariesUi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection(UiOptions.Section).Get<UiOptions>() ?? new UiOptions());
        services.AddScoped<UiSender>();
        services.AddSingleton<LiveUpdates>();
        // The clock the pages' refresh loops tick on (the host may have registered it already).
        services.TryAddSingleton(TimeProvider.System);
        services.AddRadzenComponents();
        return services;
    }
}
