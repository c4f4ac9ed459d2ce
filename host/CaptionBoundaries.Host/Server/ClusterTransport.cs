using System.Net;
using System.Security.Cryptography.X509Certificates;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace CaptionBoundaries.Host.Server;

/// <summary>
/// Where the Orleans ports listen and who may talk to them. A silo port answers any Orleans peer and a gateway any
/// Orleans client, and neither goes through the API's accounts and roles: so the silo binds one configured interface
/// (loopback for a single node), no gateway is opened unless configured, and with a cluster certificate every
/// connection is TLS with both ends presenting that same certificate (mutual authentication, pinned by thumbprint).
/// </summary>
public static class ClusterTransport
{
    public static IPAddress ListenAddress(ClusterHostingOptions cluster)
    {
        if (string.IsNullOrWhiteSpace(cluster.ListenAddress))
            return cluster.Clustering.Trim().Equals("localhost", StringComparison.OrdinalIgnoreCase)
                ? IPAddress.Loopback
                : throw new InvalidOperationException(
                    "Configuration key 'Cluster:ListenAddress' is required when 'Cluster:Clustering' is 'adonet': the interface the other nodes reach this one on.");
        return IPAddress.Parse(cluster.ListenAddress.Trim());
    }

    public static void ConfigureTransport(this ISiloBuilder silo, ClusterHostingOptions cluster)
    {
        var address = ListenAddress(cluster);
        silo.Configure<EndpointOptions>(o =>
        {
            o.AdvertisedIPAddress = address;
            o.SiloPort = cluster.SiloPort;
            o.SiloListeningEndpoint = new IPEndPoint(address, cluster.SiloPort);
            o.GatewayPort = cluster.GatewayPort ?? 0;
            o.GatewayListeningEndpoint = cluster.GatewayPort is { } gateway ? new IPEndPoint(address, gateway) : null;
        });
        if (!cluster.Tls.Enabled) return;

        var certificate = X509CertificateLoader.LoadPkcs12FromFile(cluster.Tls.CertificatePath!.Trim(), cluster.Tls.Password);
        silo.UseTls(certificate, o =>
        {
            // Both directions: a silo dialling another and a silo (or gateway) answering demand the peer's certificate.
            o.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            o.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
            // The cluster certificate is usually self-signed and names no host, so chain and name errors say nothing
            // here; what counts is that the peer holds this very certificate (and proved it has its private key).
            o.RemoteCertificateValidation = (remote, _, _) => remote is not null && remote.Thumbprint == certificate.Thumbprint;
        });
    }
}
