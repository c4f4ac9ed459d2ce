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

    /// <summary>
    /// The interface the silo (and the gateway, if any) listens on and advertises to the other nodes. Unset: 127.0.0.1
    /// with localhost clustering; required with adonet, which has several nodes to reach each other.
    /// </summary>
    public string? ListenAddress { get; set; }

    public int SiloPort { get; set; } = 11111;

    /// <summary>
    /// The Orleans client gateway port; no gateway is opened when unset. Nothing in CaptionBoundaries needs one (the
    /// server's own client is in-process), and every open Orleans port is a way to grains that passes no role check.
    /// </summary>
    public int? GatewayPort { get; set; }

    /// <summary>Silo-to-silo (and gateway) TLS with the cluster certificate; off when no certificate is configured.</summary>
    public ClusterTlsOptions Tls { get; set; } = new();

    /// <summary>How long a silo waits for a probe answer before counting it missed (Orleans' default is 5 s).</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Missed probes before a silo suspects another; with the votes of the others it is then declared dead.</summary>
    public int MissedProbesLimit { get; set; } = 3;
}
