using System.Net;
using System.Security.Cryptography.X509Certificates;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace CaptionBoundaries.Tests.Support;

/// <summary>
/// What an outsider on the network would run: a plain Orleans client pointed at a gateway, with the cluster's ids
/// (they are no secret), optionally speaking TLS with a certificate of its own. It tries to read the scheduler grain.
/// </summary>
public static class RawOrleansClient
{
    /// <summary>Null when the grain answered; otherwise what stopped the call (refused, handshake failed, timed out).</summary>
    public static async Task<string?> TryCallAsync(IPEndPoint gateway, string clusterId, X509Certificate2? certificate, TimeSpan timeout)
    {
        using var host = new HostBuilder()
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Critical))
            .UseOrleansClient(client =>
            {
                client.UseStaticClustering(gateway);
                client.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = clusterId;
                    o.ServiceId = "caption-boundaries";
                });
                if (certificate is not null)
                    client.UseTls(certificate, o =>
                    {
                        // An outsider trusts whatever the silo shows; the question is whether the silo trusts it.
                        o.AllowAnyRemoteCertificate();
                        o.OnAuthenticateAsClient = (_, ssl) => ssl.TargetHost = "caption-boundaries";
                    });
            })
            .Build();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await host.StartAsync(deadline.Token);
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            await grains.GetGrain<ISchedulerGrain>(0).GetSnapshot().WaitAsync(deadline.Token);
            return null;
        }
        catch (Exception e)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
        finally
        {
            try { await host.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)); }
            catch (Exception) { /* a client that never connected may not stop cleanly; nothing to keep */ }
        }
    }
}
