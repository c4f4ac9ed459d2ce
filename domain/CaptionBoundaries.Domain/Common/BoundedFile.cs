namespace CaptionBoundaries.Domain.Common;

/// <summary>
/// Reads a whole file, but never more than a limit. The length the file system reports is not trusted: /dev/zero,
/// /proc files and FIFOs report 0 and then stream without end, so the read itself stops at the limit.
/// </summary>
public static class BoundedFile
{
    public static byte[] ReadAllBytes(string path, long maxBytes, string what)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var reported = stream.CanSeek ? stream.Length : 0;
        if (reported > maxBytes) throw TooLarge(what, path, reported, maxBytes);
        var buffer = new byte[(int)Math.Max(reported, 4096)];
        var total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                if (total >= maxBytes) throw TooLarge(what, path, null, maxBytes);
                var grown = new byte[(int)Math.Min(maxBytes + 1, Math.Max(buffer.Length * 2L, 4096))];
                buffer.AsSpan(0, total).CopyTo(grown);
                buffer = grown;
            }
            var read = stream.Read(buffer, total, buffer.Length - total);
            if (read == 0) break;
            total += read;
            if (total > maxBytes) throw TooLarge(what, path, null, maxBytes);
        }
        return total == buffer.Length ? buffer : buffer.AsSpan(0, total).ToArray();
    }

    private static InputTooLargeException TooLarge(string what, string path, long? size, long max) => new(
        $"{what} '{Path.GetFileName(path)}' is {(size is { } s ? $"{s:N0} bytes" : "larger than the limit")}; at most {max:N0} bytes are read.");
}
