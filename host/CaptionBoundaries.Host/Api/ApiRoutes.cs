using CaptionBoundaries.Host.Api.Mlflow;
using CaptionBoundaries.Host.Server.Security;

namespace CaptionBoundaries.Host.Api;

public static class ApiRoutes
{
    /// <summary>Every feature's endpoints under /api, each group in its own file.</summary>
    public static IEndpointRouteBuilder MapCaptionBoundariesApi(this IEndpointRouteBuilder app)
    {
        // Every API call needs an account (token or console cookie) and counts against its rate limit; the
        // handlers then check the role and ownership. Only the health check is open (load balancers probe it).
        var api = app.MapGroup("/api").RequireAuthorization().RequireRateLimiting(SecuritySetup.RateLimitPolicy)
            .ProducesAccountAndRateLimitProblems();
        api.MapHealthEndpoints();
        api.MapArchitectureEndpoints();
        api.MapPluginEndpoints();
        api.MapModelEndpoints();
        api.MapTrafficSplitEndpoints();
        api.MapBenchmarkEndpoints();
        api.MapExperimentEndpoints();
        api.MapExplainEndpoints();
        api.MapSweepEndpoints();
        api.MapSlotEndpoints();
        api.MapSchedulingEndpoints();
        api.MapDatasetVersionEndpoints();
        api.MapConfigurationEndpoints();
        api.MapUserEndpoints();
        api.MapMonitoringEndpoints();
        api.MapWebhookEndpoints();
        api.MapReportEndpoints();

        // MLflow's REST API, for the clients people already log with: its own paths and its own error shape.
        var mlflow = api.MapGroup("/2.0/mlflow").WithTags("MLflow").WithMlflowErrors();
        mlflow.MapMlflowTracking();
        mlflow.MapMlflowRegistry();
        api.MapGroup("/2.0/mlflow-artifacts").WithTags("MLflow").WithMlflowErrors().MapMlflowArtifacts();
        return app;
    }
}
