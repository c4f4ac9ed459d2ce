using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace CaptionBoundaries.Grains.Abstractions;

public static class DomainTypesOnTheWire
{
    /// <summary>
    /// The domain knows nothing of Orleans, so its types (a <c>RunSpec</c>, an epoch's metrics, a run's outcome, a
    /// status) carry no [GenerateSerializer]; grain calls send them as JSON instead. Every silo and every client of the
    /// cluster must register this, or a call carrying one fails with "no codec". They are small and sent a few times
    /// per run, never per prediction (serving's own types are generated codecs).
    /// </summary>
    public static IServiceCollection AddDomainTypesAsJson(this IServiceCollection services) =>
        services.AddSerializer(s => s.AddJsonSerializer(IsDomainType, Options));

    /// <summary>
    /// The domain's records and enums; not its exceptions, which JSON cannot carry (a <see cref="Exception"/> has
    /// reflection-typed members): a <see cref="Domain.Errors.DomainException"/> has its own codec (DomainErrorOnTheWire).
    /// </summary>
    public static bool IsDomainType(Type type) =>
        type.Namespace?.StartsWith("CaptionBoundaries.Domain.", StringComparison.Ordinal) == true && !typeof(Exception).IsAssignableFrom(type);

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General)
    {
        // A diverged run's loss is NaN, and it must still reach the experiment grain to be recorded as such.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
