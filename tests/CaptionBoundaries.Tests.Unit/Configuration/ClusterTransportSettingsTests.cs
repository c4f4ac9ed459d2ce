using CaptionBoundaries.Infrastructure.Configuration;
using CaptionBoundaries.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace CaptionBoundaries.Tests.Configuration;

/// <summary>The cluster transport's settings (issue 15, finding 9) are checked at start-up like every other key.</summary>
public sealed class ClusterTransportSettingsTests
{
    private static IReadOnlyList<ConfigurationError> Validate(params (string Key, string? Value)[] settings) =>
        ConfigurationValidator.Validate(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    [Fact]
    public void Adonet_clustering_needs_a_listen_address_and_any_is_not_one()
    {
        var missing = Validate(("Cluster:Clustering", "adonet"), ("Cluster:AdoNetConnectionString", "Host=db;Username=cb"));
        Assert.Contains(missing, e => e.Key == "Cluster:ListenAddress" && e.Message.Contains("required when 'Cluster:Clustering' is 'adonet'"));
        Assert.Empty(Validate(("Cluster:Clustering", "adonet"), ("Cluster:AdoNetConnectionString", "Host=db;Username=cb"), ("Cluster:ListenAddress", "10.0.0.5")));
        Assert.Contains("not 'any'", Assert.Single(Validate(("Cluster:ListenAddress", "0.0.0.0"))).Message);
        Assert.Contains("expected an IP address", Assert.Single(Validate(("Cluster:ListenAddress", "node-a.internal"))).Message);
        // A single node needs none: it listens on loopback.
        Assert.Empty(Validate(("Cluster:Clustering", "localhost")));
    }

    [Fact]
    public void A_cluster_certificate_must_open_with_its_password_and_hold_its_key_and_the_password_is_never_shown()
    {
        using var folder = new TempFolder("cb-tls-settings");
        var path = folder.Combine("cluster.pfx");
        ClusterCertificate.WriteTo(path, "right=password");

        Assert.Empty(Validate(("Cluster:Tls:CertificatePath", path), ("Cluster:Tls:Password", "right=password")));
        var wrong = Assert.Single(Validate(("Cluster:Tls:CertificatePath", path), ("Cluster:Tls:Password", "wrong")));
        Assert.Equal("Cluster:Tls:CertificatePath", wrong.Key);
        Assert.DoesNotContain("wrong", wrong.Message.Replace(path, ""));
        Assert.Contains("does not exist", Assert.Single(Validate(("Cluster:Tls:CertificatePath", folder.Combine("none.pfx")))).Message);

        var shown = EffectiveConfiguration.Read(new ConfigurationBuilder().AddInMemoryCollection(
            new Dictionary<string, string?> { ["Cluster:Tls:Password"] = "right=password" }).Build()).Single(s => s.Key == "Cluster:Tls:Password");
        Assert.Equal(SecretRedactor.Mask, shown.Value);
    }

    [Fact]
    public void No_gateway_port_is_configured_by_default()
    {
        var appsettings = new ConfigurationBuilder().AddJsonFile(Path.Combine(ConfigurationTestFiles.HostFolder, "appsettings.json")).Build();
        Assert.Null(appsettings["Cluster:GatewayPort"]);
    }
}
