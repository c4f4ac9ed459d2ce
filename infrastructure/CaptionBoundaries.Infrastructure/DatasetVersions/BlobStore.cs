using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace CaptionBoundaries.Infrastructure.DatasetVersions;

/// <summary>
/// Content-addressed files under <c>{root}/ab/cdef…</c>, named by the SHA-256 (lowercase hex) of their bytes.
/// Writes go to a temp file first and are moved into place atomically, so a reader never sees a half-written
/// blob; an existing blob is never rewritten, which is what makes a stored version immutable.
/// </summary>
public sealed partial class BlobStore
{
    public const string TempFolderName = "tmp";

    public BlobStore(string root)
    {
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    public string TempFolder => Path.Combine(Root, TempFolderName);

    public static bool IsSha(string? value) => value is not null && ShaPattern().IsMatch(value);

    public string PathOf(string sha)
    {
        if (!IsSha(sha)) throw new ArgumentException($"'{sha}' is not a SHA-256 in lowercase hex.", nameof(sha));
        return Path.Combine(Root, sha[..2], sha[2..]);
    }

    public bool Contains(string sha) => File.Exists(PathOf(sha));

    public BlobWrite PutBytes(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return Put(stream);
    }

    public BlobWrite PutFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Put(stream);
    }

    /// <summary>Stores a stream's bytes unless a blob with the same hash is already there.</summary>
    public BlobWrite Put(Stream content)
    {
        Directory.CreateDirectory(TempFolder);
        var temp = Path.Combine(TempFolder, $"{Guid.NewGuid():N}.part");
        string sha;
        long length;
        try
        {
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                var buffer = new byte[1 << 16];
                int read;
                while ((read = content.Read(buffer)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    output.Write(buffer, 0, read);
                }
                output.Flush(flushToDisk: true);
                length = output.Length;
                sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            var target = PathOf(sha);
            if (File.Exists(target))
            {
                Touch(target);
                return new BlobWrite(sha, length, Written: false);
            }
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            try
            {
                File.Move(temp, target, overwrite: false);
                return new BlobWrite(sha, length, Written: true);
            }
            catch (IOException) when (File.Exists(target))
            {
                // Another writer stored the same content first; its bytes are ours by definition.
                Touch(target);
                return new BlobWrite(sha, length, Written: false);
            }
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>The blob's bytes, refusing them if they no longer hash to the name they are stored under.</summary>
    public byte[] ReadVerified(string sha, string usedFor)
    {
        var path = PathOf(sha);
        if (!File.Exists(path)) throw CorruptBlobException.Missing(sha, usedFor);
        var bytes = File.ReadAllBytes(path);
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (actual != sha) throw CorruptBlobException.Mismatch(sha, actual, usedFor);
        return bytes;
    }

    /// <summary>Copies a blob to <paramref name="destination"/>, hashing as it goes; a mismatch deletes the copy and throws.</summary>
    public long CopyVerified(string sha, string destination, string usedFor)
    {
        var path = PathOf(sha);
        if (!File.Exists(path)) throw CorruptBlobException.Missing(sha, usedFor);
        string actual;
        long length;
        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        using (var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
        using (var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        {
            var buffer = new byte[1 << 16];
            int read;
            while ((read = input.Read(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                output.Write(buffer, 0, read);
            }
            length = output.Length;
            actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        if (actual != sha)
        {
            File.Delete(destination);
            throw CorruptBlobException.Mismatch(sha, actual, usedFor);
        }
        return length;
    }

    /// <summary>Every stored blob with its size and last write time (the time GC's grace period is measured from).</summary>
    public IEnumerable<StoredBlob> Enumerate()
    {
        if (!Directory.Exists(Root)) yield break;
        foreach (var dir in Directory.EnumerateDirectories(Root))
        {
            var prefix = Path.GetFileName(dir);
            if (prefix.Length != 2 || !IsSha(prefix + new string('0', 62))) continue;
            foreach (var file in Directory.EnumerateFiles(dir))
            {
                var sha = prefix + Path.GetFileName(file);
                if (!IsSha(sha)) continue;
                var info = new FileInfo(file);
                yield return new StoredBlob(sha, info.Length, info.LastWriteTimeUtc);
            }
        }
    }

    /// <summary>Temp files left by writers that died mid-write.</summary>
    public IEnumerable<FileInfo> EnumerateTempFiles() =>
        Directory.Exists(TempFolder) ? new DirectoryInfo(TempFolder).EnumerateFiles() : [];

    public void Delete(string sha)
    {
        var path = PathOf(sha);
        File.Delete(path);
        var dir = Path.GetDirectoryName(path)!;
        try
        {
            if (!Directory.EnumerateFileSystemEntries(dir).Any()) Directory.Delete(dir);
        }
        catch (IOException)
        {
            // A writer just put a blob in the same prefix folder; the folder is in use, keep it.
        }
    }

    // A re-used blob gets a fresh write time so garbage collection's grace period also covers the window
    // between "this version needs it" and "the version row that references it is committed".
    private static void Touch(string path)
    {
        try
        {
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        }
        catch (FileNotFoundException)
        {
        }
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex ShaPattern();
}

/// <summary>The outcome of storing content: its hash, its size and whether this call wrote it (false = it was already there).</summary>
public sealed record BlobWrite(string Sha, long Bytes, bool Written);

public sealed record StoredBlob(string Sha, long Bytes, DateTime LastWriteUtc);
