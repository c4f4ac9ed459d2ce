using System.CommandLine;
using CaptionBoundaries.Application.Features.Datasets;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Host.Server;
using CaptionBoundaries.Host.Server.Clustering;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using Mediator;

namespace CaptionBoundaries.Host.Cli.Commands;

/// <summary>Runs the server: co-hosted Orleans silo, REST API (OpenAPI at /openapi/v1.json), the web console at /, a demo dataset ready to train on.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Addresses to listen on", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var slots = new Option<int?>("--slots") { Description = "Worker slots on this node (config Cluster:Slots, default 1)" };
        var device = new Option<string?>("--device") { Description = "Device of this node's slots: cpu or cuda (config Cluster:Device)" };
        var siloPort = new Option<int?>("--silo-port") { Description = "Orleans silo-to-silo port (config Cluster:SiloPort, default 11111)" };
        var gatewayPort = new Option<int?>("--gateway-port") { Description = "Orleans client gateway port (config Cluster:GatewayPort; default: no gateway, nothing here needs one)" };
        var nodeName = new Option<string?>("--node-name") { Description = "This node's name in the cluster and its slot keys (config Cluster:NodeName, default the machine name)" };
        var command = new Command("serve", "Run the server: Orleans silo, worker slots, REST API, web console.") { urls, slots, device, siloPort, gatewayPort, nodeName };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            var overrides = CliServices.Overrides(parse);
            if (parse.GetValue(slots) is { } s) overrides["Cluster:Slots"] = s.ToString();
            if (parse.GetValue(device) is { } d) overrides["Cluster:Device"] = d;
            if (parse.GetValue(siloPort) is { } sp) overrides["Cluster:SiloPort"] = sp.ToString();
            if (parse.GetValue(gatewayPort) is { } gp) overrides["Cluster:GatewayPort"] = gp.ToString();
            if (parse.GetValue(nodeName) is { } nn) overrides["Cluster:NodeName"] = nn;

            var builder = WebApplication.CreateBuilder(new WebApplicationOptions
            {
                ContentRootPath = AppContext.BaseDirectory,
                EnvironmentName = CliServices.Environment(parse),
            });
            // The host has read appsettings.json and appsettings.{Environment}.json; ours come after them.
            builder.Configuration.AddEnvironmentVariables(CliServices.EnvironmentPrefix).AddInMemoryCollection(overrides);
            // --urls, plus the Open Inference Protocol's gRPC port when Serving:GrpcPort is set.
            ServingListeners.Configure(builder.WebHost, parse.GetValue(urls)!, builder.Configuration);
            // Outside Development the host only reads the static web assets manifest when asked; without this, a
            // plain build output (bin/, `dotnet run`) serves no blazor.web.js. A published output has no runtime
            // manifest, so this changes nothing there.
            builder.WebHost.UseStaticWebAssets();
            // Logging:Format=json writes one JSON object per line (for log shippers); the default is the plain console.
            if (string.Equals(builder.Configuration["Logging:Format"], "json", StringComparison.OrdinalIgnoreCase))
                builder.Logging.ClearProviders().AddJsonConsole();
            ServerComposition.AddServerServices(builder.Services, builder.Configuration);
            builder.UseOrleans(silo => ServerComposition.ConfigureSilo(silo, builder.Configuration));
            await using var app = builder.Build();

            // The schemas must exist before the silo starts: grain state lives in the tracking database, and with
            // ADO.NET clustering the membership table in PostgreSQL.
            await TrackingDatabase.MigrateAsync(app.Services, ct);
            await ClusterDatabase.EnsureAsync(builder.Configuration, ct);
            await EnsureDemoDataset(app.Services, ct);
            await WarnWithoutAdmin(app.Services);
            ServerComposition.UseServerPipeline(app);
            await app.RunAsync(ct);
            return CliErrors.Ok;
        }));
        return command;
    }

    /// <summary>Nobody can sign in to a server without accounts; say how to make the first one (never a default password).</summary>
    private static async Task WarnWithoutAdmin(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<AppUser>>();
        if ((await users.GetUsersInRoleAsync(Roles.Admin)).Count == 0)
            CliErrors.Error("no admin account yet: nobody can sign in. Create one with `caption-boundaries users create-admin NAME` (same --data-dir).");
    }

    /// <summary>A fresh server has something to train on: the demo dataset, made once in the data folder.</summary>
    private static async Task EnsureDemoDataset(IServiceProvider services, CancellationToken ct)
    {
        var options = services.GetRequiredService<CaptionBoundariesOptions>();
        var folder = Path.Combine(options.ResolvedDataFolder, "datasets", "demo");
        if (File.Exists(Path.Combine(folder, "manifest.json"))) return;
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ActorContext>().Current = Actor.System;
        await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new SynthesizeDatasetCommand(folder, SamplesPerClass: 40, Seed: 7), ct);
    }
}
