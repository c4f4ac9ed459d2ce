using CaptionBoundaries.Domain.Checkpoints;
using CaptionBoundaries.Domain.Common;

namespace CaptionBoundaries.Domain.Registry;

/// <summary>
/// Content-addressed copies of registered checkpoints under {data}/registry/checkpoints/{sha256}.pt. A version
/// points at its copy, so it stays what it was when registered even if the run keeps writing best.pt.
/// </summary>
public sealed class CheckpointStore(CaptionBoundariesOptions options)
{
    public string Folder => Path.Combine(options.ResolvedDataFolder, "registry", "checkpoints");

    /// <summary>Validates the checkpoint, copies it in (once per content) and returns the stored path and its SHA-256.</summary>
    public (string Path, string Sha256, CheckpointMetadata Metadata) Import(string checkpointPath)
    {
        var metadata = CheckpointFile.Read(checkpointPath).Metadata;
        var sha = CheckpointFile.FileSha256(checkpointPath);
        Directory.CreateDirectory(Folder);
        var stored = Path.Combine(Folder, $"{sha}.pt");
        if (!File.Exists(stored))
        {
            var temp = stored + $".{Guid.NewGuid():N}.tmp";
            File.Copy(checkpointPath, temp);
            if (CheckpointFile.FileSha256(temp) != sha)
            {
                File.Delete(temp);
                throw new IOException($"Checkpoint '{checkpointPath}' changed while it was being registered; try again.");
            }
            File.Move(temp, stored, overwrite: true);
        }
        return (stored, sha, metadata);
    }
}
