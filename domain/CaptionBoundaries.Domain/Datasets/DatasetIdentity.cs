using System.Security.Cryptography;

namespace CaptionBoundaries.Domain.Datasets;

/// <summary>
/// A dataset's identity: SHA-256 (lowercase hex) over the manifest bytes followed by the SHA-256 of every
/// referenced image in manifest order (frame1, frame2, ocr_viz per sample). Any edit to a label, a feature
/// or a pixel changes it, so an experiment that records it says exactly which data it was trained on.
/// </summary>
public static class DatasetIdentity
{
    public static string Compute(string folder)
    {
        var manifestBytes = DatasetManifest.ReadManifestBytes(folder);
        var manifest = DatasetManifest.Parse(manifestBytes);
        var fileHashes = new List<byte[]>();
        foreach (var s in manifest.Samples)
        {
            foreach (var (field, rel) in DatasetManifest.ImageFields(s))
            {
                var path = DatasetManifest.ResolveImagePath(folder, s, field, rel);
                if (!File.Exists(path))
                    throw DatasetFormatException.ForSample(s.Id, field, $"image file '{rel}' does not exist.");
                using var stream = File.OpenRead(path);
                fileHashes.Add(SHA256.HashData(stream));
            }
        }
        return Combine(manifestBytes, fileHashes);
    }

    /// <summary>The identity from already-read manifest bytes and per-file SHA-256 digests (in manifest order).</summary>
    public static string Combine(byte[] manifestBytes, IEnumerable<byte[]> fileHashes)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(manifestBytes);
        foreach (var fileHash in fileHashes) hash.AppendData(fileHash);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
