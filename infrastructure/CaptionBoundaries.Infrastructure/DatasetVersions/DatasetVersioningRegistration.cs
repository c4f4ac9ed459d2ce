using CaptionBoundaries.Domain.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Infrastructure.DatasetVersions;

public static class DatasetVersioningRegistration
{
    /// <summary>The blob store under {DataFolder}/blobs, the gate shared by version creation and GC, and GC's options.</summary>
    public static IServiceCollection AddDatasetVersioning(this IServiceCollection services, IConfiguration configuration, CaptionBoundariesOptions options)
    {
        var versioning = configuration.GetSection(DatasetVersionOptions.Section).Get<DatasetVersionOptions>() ?? new DatasetVersionOptions();
        services.AddSingleton(versioning);
        services.AddSingleton(new BlobStore(Path.Combine(options.ResolvedDataFolder, "blobs")));
        services.AddSingleton<BlobStoreGate>();
        return services;
    }
}
