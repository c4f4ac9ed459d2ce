using CaptionBoundaries.Grains.Scheduling;
using CaptionBoundaries.Grains.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Hosting;

namespace CaptionBoundaries.Grains;

public static class SiloSetup
{
    /// <summary>
    /// Adds what the grains need on top of the Application services (which the host registers with AddCaptionBoundaries):
    /// the EF Core grain storage under <see cref="GrainStorageNames.Default"/>, this silo's worker slots from the
    /// "Cluster" configuration section, the fair-share settings from "Scheduling", and a start-up task that registers
    /// those slots with the scheduler (which then settles runs cut off by a previous shutdown and starts what is queued).
    /// </summary>
    public static ISiloBuilder UseCaptionBoundaries(this ISiloBuilder silo)
    {
        silo.Services.AddSingleton(sp => WorkerSlots.From(sp.GetRequiredService<IConfiguration>()));
        silo.Services.AddSingleton(sp => SchedulingOptions.From(sp.GetRequiredService<IConfiguration>()));
        silo.Services.AddModelServing();
        silo.Services.AddGrainStorage(GrainStorageNames.Default,
            (sp, name) => new EfCoreGrainStorage(name, sp.GetRequiredService<IServiceScopeFactory>()));
        silo.AddStartupTask(async (sp, _) =>
        {
            var grains = sp.GetRequiredService<IGrainFactory>();
            await grains.GetGrain<ISchedulerGrain>(0).RegisterSlots(sp.GetRequiredService<WorkerSlots>().Keys);
            // Unfinished sweeps live on grain timers, which only run while activated: wake each one so it
            // notices trials cut off by the restart and goes on launching without waiting for a caller.
            foreach (var sweep in await grains.GetGrain<ISweepCatalogGrain>(0).Unfinished())
                await grains.GetGrain<ISweepGrain>(sweep).GetStatus();
        });
        return silo;
    }
}
