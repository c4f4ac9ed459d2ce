namespace CaptionBoundaries.Infrastructure.DatasetVersions;

/// <summary>
/// A stored blob is missing or its bytes no longer hash to its name. <see cref="UsedFor"/> says what needed it
/// (a sample and field, or a manifest), so the user knows which data is affected.
/// </summary>
public sealed class CorruptBlobException(string message, string sha, string usedFor) : Exception(message)
{
    public string Sha { get; } = sha;

    public string UsedFor { get; } = usedFor;

    public static CorruptBlobException Missing(string sha, string usedFor) =>
        new($"Blob {sha} ({usedFor}) is missing from the blob store.", sha, usedFor);

    internal static CorruptBlobException Mismatch(string sha, string actual, string usedFor) =>
        new($"Blob {sha} ({usedFor}) is corrupt: its content now hashes to {actual}. The stored version can no longer be reproduced from this store.", sha, usedFor);
}
