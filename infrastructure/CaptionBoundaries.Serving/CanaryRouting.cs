using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using CaptionBoundaries.Grains.Abstractions;

namespace CaptionBoundaries.Serving;

/// <summary>
/// Which requests a canary answers. With a routing key the key is hashed into one of <see cref="Buckets"/> buckets and
/// the canary takes buckets below its share: the same key takes the same route on every node and every call while the
/// share is unchanged, and raising the share only adds keys to the canary (none leaves it). The hash includes the model
/// and the candidate version, so each canary samples its own set of keys. Without a key each request is drawn at random.
/// </summary>
public static class CanaryRouting
{
    public const int Buckets = 10_000;

    public static bool TakesCanary(string model, int candidateVersion, int sharePercent, string? routingKey)
    {
        if (sharePercent <= 0) return false;
        if (sharePercent >= 100) return true;
        var bucket = string.IsNullOrEmpty(routingKey) ? Random.Shared.Next(Buckets) : BucketOf(model, candidateVersion, routingKey);
        return bucket < sharePercent * (Buckets / 100);
    }

    /// <summary>The key's bucket in [0, <see cref="Buckets"/>): SHA-256 rather than string.GetHashCode, which differs per process.</summary>
    public static int BucketOf(string model, int candidateVersion, string routingKey)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{model}\n{candidateVersion}\n{routingKey}"), hash);
        return (int)(BinaryPrimitives.ReadUInt64LittleEndian(hash) % Buckets);
    }
}
