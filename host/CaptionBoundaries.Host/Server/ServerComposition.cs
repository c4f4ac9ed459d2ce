using System.Text.Json;
using System.Text.Json.Serialization;
using CaptionBoundaries.Application;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Host.Api;
using CaptionBoundaries.Host.Server.Security;
using CaptionBoundaries.Ui;
using Orleans.Configuration;

namespace CaptionBoundaries.Host.Server;

/// <summary>
/// The pieces of the server (services, co-hosted silo, HTTP pipeline), shared by `serve` and the API tests so
/// both run the same composition.
/// </summary>
public static class ServerComposition
{
    public static void AddServerServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddCaptionBoundaries(configuration);
        // Background work never stops the node: each loop logs and survives its own failures (BackgroundLoop), and a
        // BackgroundService that still throws ends only itself, not serving and every run with it (.NET's default).
        services.Configure<HostOptions>(o => o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.Ignore);
        services.AddServerSecurity(configuration);
        services.AddSingleton(configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>() ?? new MetricsOptions());
        // Before the default writer: /v2 answers errors in the Open Inference Protocol's shape, everything else as before.
        services.AddSingleton<IProblemDetailsWriter, Api.InferenceProtocol.InferenceErrorWriter>();
        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddOpenApi();
        // The Open Inference Protocol's gRPC service: a message may be as large as a REST prediction body.
        services.AddGrpc();
        services.AddOptions<Grpc.AspNetCore.Server.GrpcServiceOptions>().Configure<CaptionBoundaries.Domain.Common.LimitsOptions>(
            (grpc, limits) => grpc.MaxReceiveMessageSize = (int)Math.Min(int.MaxValue, limits.MaxPredictBodyMegabytes * 1024L * 1024L));
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
        });
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCaptionBoundariesUi(configuration);
    }

    public static void ConfigureSilo(ISiloBuilder silo, IConfiguration configuration)
    {
        var cluster = configuration.GetSection(ClusterHostingOptions.Section).Get<ClusterHostingOptions>() ?? new ClusterHostingOptions();
        switch (cluster.Clustering.Trim().ToLowerInvariant())
        {
            case "localhost":
                silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort ?? 0,
                    new System.Net.IPEndPoint(ClusterTransport.ListenAddress(cluster), cluster.SiloPort),
                    serviceId: "caption-boundaries", clusterId: cluster.ClusterId);
                break;
            case "adonet":
                if (string.IsNullOrWhiteSpace(cluster.AdoNetConnectionString))
                    throw new InvalidOperationException("Configuration key 'Cluster:AdoNetConnectionString' is required when 'Cluster:Clustering' is 'adonet'.");
                silo.UseAdoNetClustering(o =>
                {
                    o.Invariant = cluster.AdoNetInvariant;
                    o.ConnectionString = cluster.AdoNetConnectionString;
                });
                silo.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = cluster.ClusterId;
                    o.ServiceId = "caption-boundaries";
                });
                break;
            default:
                throw new InvalidOperationException(
                    $"Configuration key 'Cluster:Clustering' is '{cluster.Clustering}'; expected 'localhost' or 'adonet'.");
        }
        // After the clustering's own endpoint defaults: the configured interface, no gateway unless asked, TLS if configured.
        silo.ConfigureTransport(cluster);
        // How fast a node that dies is declared dead, and so how fast its runs resume elsewhere.
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = cluster.ProbeTimeout;
            o.NumMissedProbesLimit = cluster.MissedProbesLimit;
        });
        silo.UseCaptionBoundaries();
    }

    public static void UseServerPipeline(IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        // Before security and body limits: their refusals of prediction requests are counted too.
        app.UseServingFailureCounting();
        app.UseServerSecurity();
        app.UseRequestBodyLimits();
        app.UseAntiforgery();
        app.UseEndpoints(endpoints =>
        {
            endpoints.MapOpenApi();
            endpoints.MapCaptionBoundariesApi();
            endpoints.MapServingMetrics();
            endpoints.MapInferenceProtocol();
            // Callers authenticate with "authorization: Bearer …" metadata; rate limits are set per method (serving for ModelInfer).
            endpoints.MapGrpcService<Api.InferenceProtocol.InferenceGrpcService>().RequireAuthorization().AcceptsPredictionBodies();
            endpoints.MapAccountEndpoints();
            endpoints.MapConsoleDownloads();
            // The console: framework and library assets (blazor.web.js, Radzen's css/js) from the static web
            // assets manifest, then the interactive server-rendered pages.
            endpoints.MapStaticAssets();
            endpoints.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        });
    }
}
