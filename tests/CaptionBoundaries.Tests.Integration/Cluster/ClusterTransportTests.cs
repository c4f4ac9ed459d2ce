using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using CaptionBoundaries.Tests.Api;
using CaptionBoundaries.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace CaptionBoundaries.Tests.Cluster;

/// <summary>
/// Issue 15, finding 9: the Orleans ports used to listen on the host's address with no authentication, so a raw
/// Orleans client could call grains past every role check. Now: no gateway unless configured, the silo bound to a
/// configured interface, and with a cluster certificate only peers presenting it get a connection.
/// </summary>
public sealed class ClusterTransportTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(30);

    // A client without the certificate never gets past the TLS handshake; Orleans' client then waits rather than failing
    // fast, so a refusal shows as this deadline passing (the certified client above answers well within ClientTimeout).
    private static readonly TimeSpan RefusedClientTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_default_serve_listens_on_loopback_only_and_opens_no_gateway()
    {
        using var root = new TempFolder("cb-transport");
        var plugins = root.Combine("plugins");
        TestPaths.PopulatePluginsFolder(plugins);
        var (httpPort, siloPort) = (FreePort.Next(), FreePort.Next());
        var start = HostProcess.StartInfo(root.Path, root.Combine("data"), plugins, new Dictionary<string, string>
        {
            ["CAPTIONBOUNDARIES_Database__Provider"] = "sqlite",
            ["CAPTIONBOUNDARIES_Cluster__Device"] = "cpu",
        }, "serve", "--urls", $"http://127.0.0.1:{httpPort}", "--silo-port", siloPort.ToString());
        using var process = Process.Start(start)!;
        var log = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await WaitForHealth(process, $"http://127.0.0.1:{httpPort}", () => { lock (log) return log.ToString(); });

            var listening = ListeningSockets.Of(process.Id).Select(e => e.ToString()).Order().ToList();
            // The HTTP port it was given and the silo port, both on loopback; no gateway (30000 or any other port).
            Assert.Equal(new[] { $"127.0.0.1:{httpPort}", $"127.0.0.1:{siloPort}" }.Order(), listening);
            using (var loopback = new TcpClient()) await loopback.ConnectAsync(IPAddress.Loopback, siloPort);
            foreach (var address in NonLoopbackAddresses())
            {
                using var outside = new TcpClient();
                await Assert.ThrowsAsync<SocketException>(() => outside.ConnectAsync(address, siloPort));
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    [Fact]
    public async Task The_silo_binds_the_configured_listen_address_only_and_no_gateway_unless_a_gateway_port_is_set()
    {
        // The whole of 127/8 is loopback on Linux: 127.0.0.2 is an address of this machine that 127.0.0.1 is not.
        await using var factory = new ApiFactory { Slots = 1 };
        factory.Settings["Cluster:ListenAddress"] = "127.0.0.2";
        factory.CreateClient().Dispose();
        var endpoints = factory.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;

        Assert.Equal(IPAddress.Parse("127.0.0.2"), endpoints.AdvertisedIPAddress);
        Assert.Equal(0, endpoints.GatewayPort);
        Assert.Null(endpoints.GatewayListeningEndpoint);
        using (var bound = new TcpClient()) await bound.ConnectAsync(IPAddress.Parse("127.0.0.2"), endpoints.SiloPort);
        using var other = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(() => other.ConnectAsync(IPAddress.Loopback, endpoints.SiloPort));
    }

    [Fact]
    public async Task With_a_cluster_certificate_only_a_client_presenting_it_reaches_a_grain()
    {
        using var folder = new TempFolder("cb-tls");
        var certificate = ClusterCertificate.WriteTo(folder.Combine("cluster.pfx"), "cluster-secret");
        var gatewayPort = FreePort.Next();
        await using var factory = new ApiFactory { Slots = 1 };
        factory.Settings["Cluster:Tls:CertificatePath"] = folder.Combine("cluster.pfx");
        factory.Settings["Cluster:Tls:Password"] = "cluster-secret";
        // A gateway only because this test asks for one: it is what a raw client would connect to.
        factory.Settings["Cluster:GatewayPort"] = gatewayPort.ToString();
        factory.CreateClient().Dispose();
        var gateway = new IPEndPoint(IPAddress.Loopback, gatewayPort);

        // The cluster's own certificate gets through (so the refusals below are the certificate's doing).
        Assert.Null(await RawOrleansClient.TryCallAsync(gateway, "caption-boundaries", certificate, ClientTimeout));
        // A plain Orleans client, and a TLS client with a certificate of its own, do not.
        AssertRefused(await RawOrleansClient.TryCallAsync(gateway, "caption-boundaries", null, RefusedClientTimeout), "plain client");
        AssertRefused(await RawOrleansClient.TryCallAsync(gateway, "caption-boundaries", ClusterCertificate.Create("outsider"), RefusedClientTimeout), "outsider's certificate");
    }

    [Fact]
    public async Task Two_serve_nodes_with_the_same_certificate_form_a_cluster_and_a_client_without_it_reaches_no_grain()
    {
        using var folder = new TempFolder("cb-tls-cluster");
        var certificate = ClusterCertificate.WriteTo(folder.Combine("cluster.pfx"), "cluster-secret");
        await using var cluster = await ProcessCluster.CreateAsync(new Dictionary<string, string>
        {
            ["CAPTIONBOUNDARIES_Cluster__Tls__CertificatePath"] = folder.Combine("cluster.pfx"),
            ["CAPTIONBOUNDARIES_Cluster__Tls__Password"] = "cluster-secret",
        });
        var gatewayPort = FreePort.Next();
        var a = await cluster.StartNodeAsync("node-a", gatewayPort: gatewayPort);
        var b = await cluster.StartNodeAsync("node-b");

        // Each node registers its slots with the one scheduler grain, which lives on one of them: both listed as
        // active, seen from both sides, means silo-to-silo calls went through TLS both ways.
        foreach (var node in new[] { a, b })
        {
            using var http = cluster.Http(node);
            var deadline = DateTime.UtcNow.AddMinutes(1);
            string seen;
            do
            {
                seen = await (await http.GetAsync("/api/cluster/nodes")).Content.ReadAsStringAsync();
                if (seen.Contains("\"node-a\"") && seen.Contains("\"node-b\"") && CountActive(seen) == 2) break;
                await Task.Delay(500);
            }
            while (DateTime.UtcNow < deadline);
            Assert.True(CountActive(seen) == 2, $"{node.Name} sees: {seen}\n{cluster.Logs()}");
        }

        var gateway = new IPEndPoint(IPAddress.Loopback, gatewayPort);
        Assert.Null(await RawOrleansClient.TryCallAsync(gateway, cluster.ClusterId, certificate, ClientTimeout));
        AssertRefused(await RawOrleansClient.TryCallAsync(gateway, cluster.ClusterId, null, RefusedClientTimeout), "plain client");
        AssertRefused(await RawOrleansClient.TryCallAsync(gateway, cluster.ClusterId, ClusterCertificate.Create("outsider"), RefusedClientTimeout), "outsider's certificate");
    }

    private void AssertRefused(string? failure, string who)
    {
        Assert.True(failure is not null, $"a {who} called the scheduler grain");
        output.WriteLine($"{who}: {failure}");
    }

    private static int CountActive(string json) =>
        System.Text.Json.JsonDocument.Parse(json).RootElement.EnumerateArray().Count(n => n.GetProperty("status").GetString() == "active");

    private static async Task WaitForHealth(Process process, string baseUrl, Func<string> log)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"serve exited with {process.ExitCode}:\n{log()}");
            try
            {
                if ((await http.GetAsync("/api/health")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(300);
        }
        throw new TimeoutException($"serve did not answer within 2 minutes:\n{log()}");
    }

    private static IEnumerable<IPAddress> NonLoopbackAddresses() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
}
