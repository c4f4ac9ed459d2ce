using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace CaptionBoundaries.Tests.Support;

public static class FreePort
{
    private static readonly ConcurrentDictionary<int, byte> Handed = new();

    /// <summary>
    /// A TCP port nothing listens on right now, so each test host gets its own silo and gateway ports. The OS may
    /// offer a just-released port again; a port is never handed out twice in one test run.
    /// </summary>
    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (Handed.TryAdd(port, 0)) return port;
        }
    }
}
