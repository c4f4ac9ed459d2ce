namespace CaptionBoundaries.Domain.Common;

/// <summary>
/// How much one request may make the server read or decode. The figures are far above any real input of the task
/// (frames are a few hundred kB, the largest checkpoint, triple_backbone_resnet50 with optimizer state, ~0.95 GB) and
/// far below what would take a node's memory: without them a path to /dev/zero grew the server to 4.7 GB.
/// </summary>
public static class InputLimits
{
    /// <summary>One encoded image (PNG/JPEG) read from disk or a request.</summary>
    public const long MaxImageBytes = 32L * 1024 * 1024;

    /// <summary>Decoded width × height of one image (4096 × 4096 RGB = 48 MB).</summary>
    public const long MaxImagePixels = 4096L * 4096;

    /// <summary>One checkpoint file (the byte array that holds it must fit .NET's array limit too).</summary>
    public const long MaxCheckpointBytes = 2_000_000_000L;

    /// <summary>A dataset's manifest.json.</summary>
    public const long MaxManifestBytes = 64L * 1024 * 1024;
}
