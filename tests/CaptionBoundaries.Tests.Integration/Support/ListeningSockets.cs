using System.Globalization;
using System.Net;

namespace CaptionBoundaries.Tests.Support;

/// <summary>
/// The TCP endpoints one process listens on (Linux): its socket inodes from /proc/&lt;pid&gt;/fd matched against the
/// LISTEN rows of /proc/&lt;pid&gt;/net/tcp and tcp6. Exact, unlike probing ports that other processes may hold.
/// </summary>
public static class ListeningSockets
{
    public static IReadOnlyList<IPEndPoint> Of(int pid)
    {
        var inodes = new HashSet<string>();
        foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
        {
            var target = new FileInfo(fd).LinkTarget;
            if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal)) inodes.Add(target[8..^1]);
        }
        var endpoints = new List<IPEndPoint>();
        foreach (var table in new[] { "tcp", "tcp6" })
        {
            var path = $"/proc/{pid}/net/{table}";
            if (!File.Exists(path)) continue;
            foreach (var line in File.ReadLines(path).Skip(1))
            {
                var cells = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode; state 0A is LISTEN.
                if (cells.Length < 10 || cells[3] != "0A" || !inodes.Contains(cells[9])) continue;
                endpoints.Add(Parse(cells[1]));
            }
        }
        return endpoints;
    }

    /// <summary>"0100007F:2B67" → 127.0.0.1:11111 .</summary>
    private static IPEndPoint Parse(string cell)
    {
        var (hex, port) = (cell[..cell.IndexOf(':')], int.Parse(cell[(cell.IndexOf(':') + 1)..], NumberStyles.HexNumber));
        var bytes = new byte[hex.Length / 2];
        for (var word = 0; word < hex.Length / 8; word++)
        {
            var value = uint.Parse(hex.Substring(word * 8, 8), NumberStyles.HexNumber);
            // The kernel prints each 32-bit word of the (network-order) address as a host integer: its bytes in memory are the address.
            BitConverter.GetBytes(value).CopyTo(bytes, word * 4);
        }
        return new IPEndPoint(new IPAddress(bytes), port);
    }
}
