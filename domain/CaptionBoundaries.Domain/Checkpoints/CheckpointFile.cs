using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CaptionBoundaries.Domain.Checkpoints;

/// <summary>
/// The checkpoint container. Layout (little-endian):
/// <code>
///   8 bytes   magic "CBCKPT1\n"
///   int32     metadata length, then metadata as UTF-8 JSON (<see cref="CheckpointMetadata"/>)
///   int64     model state length, then TorchSharp Module.save bytes
///   int64     optimizer state length (0 when absent), then TorchSharp optimizer state bytes
///   32 bytes  SHA-256 of everything above
/// </code>
/// The trailing hash makes truncation or bit rot a clear error instead of a garbage model. Writes go to a
/// temporary file that is moved into place, so a crash never leaves a half-written checkpoint.
/// </summary>
public static class CheckpointFile
{
    private static readonly byte[] Magic = "CBCKPT1\n"u8.ToArray();
    private const int HashLength = 32;
    private const int MaxMetadataBytes = 16 * 1024 * 1024;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public sealed record Contents(CheckpointMetadata Metadata, byte[] ModelState, byte[] OptimizerState);

    /// <summary>Writes atomically and returns the SHA-256 (hex) of the whole file, as recorded by tracking.</summary>
    public static string Write(string path, CheckpointMetadata metadata, byte[] modelState, byte[]? optimizerState)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                void Put(ReadOnlySpan<byte> bytes)
                {
                    stream.Write(bytes);
                    hash.AppendData(bytes);
                }
                var meta = JsonSerializer.SerializeToUtf8Bytes(metadata, Json);
                Put(Magic);
                Put(BitConverter.GetBytes(meta.Length));
                Put(meta);
                Put(BitConverter.GetBytes((long)modelState.Length));
                Put(modelState);
                var opt = optimizerState ?? [];
                Put(BitConverter.GetBytes((long)opt.Length));
                Put(opt);
                stream.Write(hash.GetHashAndReset());
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        return FileSha256(path);
    }

    public static Contents Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint file '{path}' does not exist.", path);
        var bytes = Common.BoundedFile.ReadAllBytes(path, Common.InputLimits.MaxCheckpointBytes, "Checkpoint");
        if (bytes.Length < Magic.Length + 4 + 8 + 8 + HashLength || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new CorruptCheckpointException(path, "it does not start with the CaptionBoundaries checkpoint header (wrong file, or truncated)");

        var body = bytes.AsSpan(0, bytes.Length - HashLength);
        var expected = bytes.AsSpan(bytes.Length - HashLength);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(expected))
            throw new CorruptCheckpointException(path, "its content hash does not match (the file is truncated or was modified)");

        var offset = Magic.Length;
        var metaLength = BitConverter.ToInt32(bytes, offset);
        offset += 4;
        if (metaLength <= 0 || metaLength > MaxMetadataBytes || offset + metaLength > body.Length)
            throw new CorruptCheckpointException(path, $"metadata length {metaLength} is out of range");
        CheckpointMetadata? metadata;
        try
        {
            metadata = JsonSerializer.Deserialize<CheckpointMetadata>(bytes.AsSpan(offset, metaLength), Json);
        }
        catch (JsonException e)
        {
            throw new CorruptCheckpointException(path, $"metadata is not valid JSON: {e.Message}");
        }
        if (metadata is null || metadata.Format != CheckpointMetadata.CurrentFormat)
            throw new CorruptCheckpointException(path, $"unsupported checkpoint format '{metadata?.Format}'; expected '{CheckpointMetadata.CurrentFormat}'");
        offset += metaLength;

        var model = ReadBlock(bytes, body.Length, ref offset, path, "model state");
        var optimizer = ReadBlock(bytes, body.Length, ref offset, path, "optimizer state");
        if (offset != body.Length)
            throw new CorruptCheckpointException(path, "unexpected bytes after the optimizer state");
        return new Contents(metadata, model, optimizer);
    }

    /// <summary>
    /// Only the metadata at the head of the file, without reading (or hash-checking) the weights: for describing a
    /// version that was checked when it was registered. At most the header's bytes are read.
    /// </summary>
    public static CheckpointMetadata ReadMetadata(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var head = new byte[Magic.Length + 4];
        stream.ReadExactly(head);
        if (!head.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new CorruptCheckpointException(path, "it does not start with the CaptionBoundaries checkpoint header (wrong file, or truncated)");
        var metaLength = BitConverter.ToInt32(head, Magic.Length);
        if (metaLength <= 0 || metaLength > MaxMetadataBytes)
            throw new CorruptCheckpointException(path, $"metadata length {metaLength} is out of range");
        var meta = new byte[metaLength];
        try
        {
            stream.ReadExactly(meta);
        }
        catch (EndOfStreamException)
        {
            throw new CorruptCheckpointException(path, "the file ends inside its metadata");
        }
        try
        {
            return JsonSerializer.Deserialize<CheckpointMetadata>(meta, Json)
                ?? throw new CorruptCheckpointException(path, "metadata is empty");
        }
        catch (JsonException e)
        {
            throw new CorruptCheckpointException(path, $"metadata is not valid JSON: {e.Message}");
        }
    }

    public static string FileSha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static byte[] ReadBlock(byte[] bytes, int end, ref int offset, string path, string what)
    {
        if (offset + 8 > end) throw new CorruptCheckpointException(path, $"{what} length is missing");
        var length = BitConverter.ToInt64(bytes, offset);
        offset += 8;
        if (length < 0 || offset + length > end)
            throw new CorruptCheckpointException(path, $"{what} length {length} runs past the end of the file");
        var block = bytes.AsSpan(offset, (int)length).ToArray();
        offset += (int)length;
        return block;
    }
}
