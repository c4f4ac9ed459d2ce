namespace CaptionBoundaries.Domain.Common;

/// <summary>Configuration section "Limits": how much one request may ask of a node.</summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>Largest JSON (or form) body of an API request; uploads have their own limit (Security:MaxUploadMegabytes).</summary>
    public int MaxJsonBodyKilobytes { get; set; } = 1024;

    /// <summary>Expensive reads (Grad-CAM over a run's validation split, explanations, benchmarks) computed at once on this node.</summary>
    public int ExpensiveReadsConcurrency { get; set; } = 2;

    /// <summary>Expensive reads waiting for their turn; beyond it the request is answered 503 with Retry-After.</summary>
    public int ExpensiveReadsQueue { get; set; } = 8;

    /// <summary>Results of expensive reads kept in memory (a repeated page of a confusion cell is answered from here).</summary>
    public int ExpensiveReadsCacheEntries { get; set; } = 64;

    /// <summary>Samples in one prediction request (the batch form); each is answered in order.</summary>
    public int MaxPredictSamples { get; set; } = 64;

    /// <summary>Largest body of a prediction request: images travel in it (base64 JSON or multipart files).</summary>
    public int MaxPredictBodyMegabytes { get; set; } = 32;
}
