namespace CaptionBoundaries.Host.Server.Clustering;

/// <summary>Prepares the membership database of ADO.NET clustering before the silo joins.</summary>
public static class ClusterDatabase
{
    /// <summary>
    /// PostgreSQL gets the project's membership schema. SQL Server is left to Orleans' own SQL Server scripts, applied by
    /// the operator: this project has no SQL Server engine to test a schema of its own against.
    /// </summary>
    public static async Task EnsureAsync(IConfiguration configuration, CancellationToken ct)
    {
        var cluster = configuration.GetSection(ClusterHostingOptions.Section).Get<ClusterHostingOptions>() ?? new ClusterHostingOptions();
        if (!string.Equals(cluster.Clustering.Trim(), "adonet", StringComparison.OrdinalIgnoreCase)) return;
        if (cluster.AdoNetInvariant != "Npgsql") return;
        await PostgresMembershipSchema.EnsureAsync(cluster.AdoNetConnectionString, ct);
    }
}
