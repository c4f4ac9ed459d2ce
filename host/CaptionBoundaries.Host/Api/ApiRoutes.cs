namespace CaptionBoundaries.Host.Api;

public static class ApiRoutes
{
    /// <summary>Every feature's endpoints under /api, each group in its own file.</summary>
    public static IEndpointRouteBuilder MapCaptionBoundariesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapHealthEndpoints();
        api.MapArchitectureEndpoints();
        api.MapModelEndpoints();
        api.MapBenchmarkEndpoints();
        api.MapExperimentEndpoints();
        api.MapSweepEndpoints();
        api.MapSlotEndpoints();
        api.MapDatasetVersionEndpoints();
        api.MapMonitoringEndpoints();
        return app;
    }
}
