using System.Net;
using System.Net.Sockets;

namespace CaptionBoundaries.Tests.Support;

public static class FreePort
{
    /// <summary>A TCP port nothing listens on right now, so each test host gets its own silo and gateway ports.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
