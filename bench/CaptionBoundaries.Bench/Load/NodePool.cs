using System.Diagnostics;

namespace CaptionBoundaries.Bench.Load;

/// <summary>
/// The nodes under load, handed out round-robin. A node that refused or dropped a connection is marked down for the
/// back-off and passed over while any node is up; after the back-off it gets traffic again, so a restarted node
/// rejoins by itself.
/// </summary>
public sealed class NodePool(IReadOnlyList<Uri> nodes, TimeSpan backoff)
{
    private readonly long[] _downUntil = new long[nodes.Count];
    private readonly long _backoffTicks = (long)(backoff.TotalSeconds * Stopwatch.Frequency);
    private long _next = -1;

    public int Count => nodes.Count;

    public Uri this[int index] => nodes[index];

    public bool IsUp(int node) => Stopwatch.GetTimestamp() >= Volatile.Read(ref _downUntil[node]);

    public void MarkDown(int node) => Volatile.Write(ref _downUntil[node], Stopwatch.GetTimestamp() + _backoffTicks);

    /// <summary>
    /// The next node this request has not tried: the first one up in round-robin order, else (every untried node
    /// marked down) the first untried one anyway, since a down mark is only a hint and the node may be back.
    /// </summary>
    public int Pick(ReadOnlySpan<bool> tried)
    {
        var start = (int)((ulong)Interlocked.Increment(ref _next) % (ulong)nodes.Count);
        var fallback = -1;
        for (var i = 0; i < nodes.Count; i++)
        {
            var k = (start + i) % nodes.Count;
            if (tried[k]) continue;
            if (IsUp(k)) return k;
            if (fallback < 0) fallback = k;
        }
        return fallback;
    }
}
