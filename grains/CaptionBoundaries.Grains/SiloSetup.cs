using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Grains.Scheduling;
using CaptionBoundaries.Grains.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Hosting;
using SiloOptions = Orleans.Configuration.SiloOptions;

namespace CaptionBoundaries.Grains;

public static class SiloSetup
{
    /// <summary>
    /// Adds what the grains need on top of the Application services (which the host registers with AddCaptionBoundaries):
    /// the EF Core grain storage under <see cref="GrainStorageNames.Default"/>, this silo's worker slots from the
    /// "Cluster" configuration section (the silo takes the node's name, which pins each slot grain to its node), the
    /// fair-share settings from "Scheduling", a watcher that reports lost nodes to the scheduler, and a start-up task
    /// that registers this node with the scheduler (which then requeues runs cut off by a previous incarnation and starts
    /// what is queued).
    /// </summary>
    public static ISiloBuilder UseCaptionBoundaries(this ISiloBuilder silo)
    {
        silo.Services.AddSingleton(sp => WorkerSlots.From(sp.GetRequiredService<IConfiguration>()));
        silo.Services.AddSingleton(sp => SchedulingOptions.From(sp.GetRequiredService<IConfiguration>()));
        silo.Services.PostConfigure<SiloOptions>((SiloOptions o) => o.SiloName = WorkerSlots.From(silo.Configuration).NodeName);
        silo.Services.AddPlacementDirector<NodePinnedPlacement, NodePinnedPlacementDirector>();
        silo.Services.AddSingleton<NodeLossWatcher>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<NodeLossWatcher>());
        silo.Services.AddDomainTypesAsJson();
        silo.Services.AddModelServing();
        silo.Services.AddGrainStorage(GrainStorageNames.Default,
            (sp, name) => new EfCoreGrainStorage(name, sp.GetRequiredService<IServiceScopeFactory>()));
        silo.AddStartupTask(async (sp, _) =>
        {
            // The serving device is settled (and logged) now: CUDA asked for where there is none stops the node here,
            // not at its first prediction.
            sp.GetRequiredService<Serving.ServingDevice>();
            var grains = sp.GetRequiredService<IGrainFactory>();
            var slots = sp.GetRequiredService<WorkerSlots>();
            var silo = sp.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString();
            await grains.GetGrain<ISchedulerGrain>(0).RegisterNode(new NodeRegistration(slots.NodeName, silo, slots.Keys));
            // Unfinished sweeps live on grain timers, which only run while activated: wake each one so it
            // notices trials cut off by the restart and goes on launching without waiting for a caller.
            foreach (var sweep in await grains.GetGrain<ISweepCatalogGrain>(0).Unfinished())
                await grains.GetGrain<ISweepGrain>(sweep).GetStatus();
        });
        return silo;
    }
}
