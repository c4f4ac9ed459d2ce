using CaptionBoundaries.Application;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;

namespace CaptionBoundaries.Tests.Grains.Models;

/// <summary>
/// Silo set-up for the model-serving tests: the Application's services (paths come from the host configuration
/// the fixture sets), the serving services, and memory storage under the name the grains persist to.
/// </summary>
public sealed class ModelServingSilo : ISiloConfigurator, IClientBuilderConfigurator
{
    // The test cluster's client is a host of its own: it needs the domain types' codec too.
    public void Configure(IConfiguration configuration, IClientBuilder client) => client.Services.AddDomainTypesAsJson();

    public void Configure(ISiloBuilder silo)
    {
        silo.AddMemoryGrainStorage(GrainStorageNames.Default);
        silo.Services.AddCaptionBoundaries(silo.Configuration);
        silo.Services.AddDomainTypesAsJson();
        silo.Services.AddModelServing();
    }
}
