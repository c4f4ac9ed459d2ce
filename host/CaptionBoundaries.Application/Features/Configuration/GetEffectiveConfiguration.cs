using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Configuration;
using CaptionBoundaries.Infrastructure.Security;
using Mediator;
using Microsoft.Extensions.Configuration;

namespace CaptionBoundaries.Application.Features.Configuration;

/// <summary>The settings this process runs with (secrets masked), for the console, `config show` and GET /api/configuration.</summary>
[RequiresRole(Roles.Admin)]
public sealed record GetEffectiveConfigurationQuery : IQuery<EffectiveConfigurationReport>;

public sealed record EffectiveConfigurationReport(string Environment, IReadOnlyList<EffectiveSetting> Settings);

public sealed class GetEffectiveConfigurationHandler(IConfiguration configuration)
    : IQueryHandler<GetEffectiveConfigurationQuery, EffectiveConfigurationReport>
{
    public ValueTask<EffectiveConfigurationReport> Handle(GetEffectiveConfigurationQuery query, CancellationToken ct) =>
        ValueTask.FromResult(new EffectiveConfigurationReport(
            // Hosts put the environment name under "environment" (the generic host does so itself; the CLI adds it).
            configuration["environment"] ?? ConfigurationSources.DefaultEnvironment,
            EffectiveConfiguration.Read(configuration)));
}
