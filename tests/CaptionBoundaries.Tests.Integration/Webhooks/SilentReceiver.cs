using System.Net;
using System.Net.Sockets;
using CaptionBoundaries.Tests.Support;

namespace CaptionBoundaries.Tests.Webhooks;

/// <summary>
/// A webhook receiver that accepts every TCP connection on 127.0.0.1 and never reads or answers: what a hung deploy
/// hook or a half-dead proxy looks like to the sender, whose request can only end by its own timeout.
/// </summary>
public sealed class SilentReceiver : IDisposable
{
    private readonly TcpListener _listener;
    private readonly List<TcpClient> _held = [];
    private readonly Task _loop;
    private int _accepted;

    public SilentReceiver()
    {
        var port = FreePort.Next();
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        Url = $"http://127.0.0.1:{port}/silent";
        _loop = Task.Run(Loop);
    }

    public string Url { get; }

    /// <summary>Connections accepted so far (each one a delivery attempt that had to time out).</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    private async Task Loop()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            // Held open, never read: the request bytes sit in the socket buffer and no response ever comes.
            lock (_held) _held.Add(client);
            Interlocked.Increment(ref _accepted);
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        lock (_held)
        {
            foreach (var c in _held) c.Dispose();
            _held.Clear();
        }
    }
}
