using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace CaptionBoundaries.Host.Server;

/// <summary>
/// Where the server listens: the --urls addresses as always, plus, when <c>Serving:GrpcPort</c> is set, that port on the
/// same interfaces for the Open Inference Protocol's gRPC. gRPC without TLS needs HTTP/2 with prior knowledge, which a
/// plain-text endpoint only speaks when it speaks nothing else, hence its own port. Kestrel ignores --urls once an
/// endpoint is configured in code, so with a gRPC port every --urls address is configured here too, with Kestrel's
/// defaults (unchanged for HTTP/1.1 clients, the console and the API).
/// </summary>
public static class ServingListeners
{
    public const string GrpcPortKey = "Serving:GrpcPort";

    public static void Configure(IWebHostBuilder web, string urls, IConfiguration configuration)
    {
        // Not set, or not a port: --urls alone (a bad value then stops start-up in the configuration check, naming the key).
        if (!int.TryParse(configuration[GrpcPortKey]?.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture,
                out var grpcPort) || grpcPort is < 1 or > 65535)
        {
            web.UseUrls(urls);
            return;
        }
        var addresses = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(BindingAddress.Parse).ToList();
        web.ConfigureKestrel(kestrel =>
        {
            foreach (var address in addresses)
                Listen(kestrel, address.Host, address.Port, o =>
                {
                    if (address.Scheme == Uri.UriSchemeHttps) o.UseHttps();
                });
            foreach (var host in addresses.Select(a => a.Host).Distinct(StringComparer.OrdinalIgnoreCase))
                Listen(kestrel, host, grpcPort, o => o.Protocols = HttpProtocols.Http2);
        });
    }

    /// <summary>A host as --urls names it: localhost (both loopbacks), an IP address, or anything else (*, +, a name) on every interface, as Kestrel treats it.</summary>
    private static void Listen(KestrelServerOptions kestrel, string host, int port, Action<ListenOptions> configure)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) kestrel.ListenLocalhost(port, configure);
        else if (IPAddress.TryParse(host.Trim('[', ']'), out var ip)) kestrel.Listen(ip, port, configure);
        else kestrel.ListenAnyIP(port, configure);
    }
}
