namespace CaptionBoundaries.Host.Server;

/// <summary>Configuration section "Cluster": how this node joins the Orleans cluster and which slots it offers.</summary>
public sealed class ClusterHostingOptions
{
    public const string Section = "Cluster";

    /// <summary>"localhost" (single node, default) or "adonet" (membership table in PostgreSQL or SQL Server).</summary>
    public string Clustering { get; set; } = "localhost";

    /// <summary>ADO.NET provider invariant: "Npgsql" or "Microsoft.Data.SqlClient".</summary>
    public string AdoNetInvariant { get; set; } = "Npgsql";

    public string AdoNetConnectionString { get; set; } = "";

    public string ClusterId { get; set; } = "caption-boundaries";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>How long a silo waits for a probe answer before counting it missed (Orleans' default is 5 s).</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Missed probes before a silo suspects another; with the votes of the others it is then declared dead.</summary>
    public int MissedProbesLimit { get; set; } = 3;
}
