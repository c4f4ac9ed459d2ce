namespace CaptionBoundaries.Bench.Load;

/// <summary>What `bench load` sends, where, and for how long (either a duration or a request count).</summary>
public sealed record LoadSettings
{
    public required IReadOnlyList<Uri> Nodes { get; init; }
    public required string Model { get; init; }

    /// <summary>Which serving API the bodies are for.</summary>
    public LoadProtocol Protocol { get; init; } = LoadProtocol.Rest;

    /// <summary>Request bodies (JSON in <see cref="Protocol"/>'s form), sent in turn.</summary>
    public required IReadOnlyList<byte[]> Bodies { get; init; }

    public string? Token { get; init; }
    public TimeSpan? Duration { get; init; }
    public int? Requests { get; init; }
    public int Concurrency { get; init; } = 8;

    /// <summary>A request with no answer by then fails (not retried: the node took it and may still be working on it).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a node that refused or dropped a connection is passed over before it is tried again.</summary>
    public TimeSpan Backoff { get; init; } = TimeSpan.FromSeconds(1);

    // Bounds that keep a typo from turning a load test into a flood.
    public const int MaxConcurrency = 256;
    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(1);
    public const int MaxRequests = 10_000_000;

    public void Validate()
    {
        if (Nodes.Count == 0) throw new ArgumentException("At least one --url is needed.");
        foreach (var node in Nodes)
            if (!LoopbackGuard.IsLoopback(node)) throw new ArgumentException($"--url '{node}' is not loopback.");
        if (string.IsNullOrWhiteSpace(Model)) throw new ArgumentException("--model is required.");
        if (Bodies.Count == 0) throw new ArgumentException("No request bodies to send.");
        if (Concurrency is < 1 or > MaxConcurrency) throw new ArgumentException($"--concurrency must be 1-{MaxConcurrency}, got {Concurrency}.");
        if ((Duration is null) == (Requests is null)) throw new ArgumentException("Give either --duration or --requests.");
        if (Duration is { } d && (d <= TimeSpan.Zero || d > MaxDuration)) throw new ArgumentException($"--duration must be more than 0 and at most {MaxDuration.TotalMinutes:F0} minutes, got {d}.");
        if (Requests is { } r && r is < 1 or > MaxRequests) throw new ArgumentException($"--requests must be 1-{MaxRequests}, got {r}.");
        if (Timeout <= TimeSpan.Zero) throw new ArgumentException("--timeout must be positive.");
        if (Backoff < TimeSpan.Zero) throw new ArgumentException("--backoff must not be negative.");
    }
}
