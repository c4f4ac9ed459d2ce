using System.Net;

namespace CaptionBoundaries.Bench.Load;

/// <summary>
/// Keeps the load test on this machine: a load generator pointed at someone else's host is a denial-of-service
/// tool, so every node URL must name a loopback host (127.0.0.0/8, ::1 or localhost) before anything is sent.
/// </summary>
public static class LoopbackGuard
{
    public static IReadOnlyList<Uri> Parse(IReadOnlyList<string> urls)
    {
        if (urls.Count == 0) throw new ArgumentException("--url is required: one per node, e.g. --url http://127.0.0.1:5080.");
        var nodes = new List<Uri>();
        foreach (var text in urls)
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                throw new ArgumentException($"--url '{text}' is not an http(s) URL.");
            if (!IsLoopback(uri))
                throw new ArgumentException(
                    $"--url '{text}': host '{uri.Host}' is not loopback; the load test only runs against this machine (127.0.0.1, ::1, localhost).");
            if (nodes.Any(n => n.Equals(uri)))
                throw new ArgumentException($"--url '{text}' is given twice.");
            nodes.Add(uri);
        }
        return nodes;
    }

    public static bool IsLoopback(Uri uri) =>
        uri.IsLoopback && (string.Equals(uri.IdnHost, "localhost", StringComparison.OrdinalIgnoreCase)
                           || (IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address)));
}
