namespace CaptionBoundaries.Host.Server;

/// <summary>Configuration section "Cluster:Tls": the certificate every node of the cluster presents and demands.</summary>
public sealed class ClusterTlsOptions
{
    /// <summary>A PKCS#12 (.pfx) file with the private key; the same file on every node.</summary>
    public string? CertificatePath { get; set; }

    public string? Password { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath);
}
