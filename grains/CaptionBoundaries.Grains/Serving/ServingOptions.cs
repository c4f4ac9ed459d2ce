namespace CaptionBoundaries.Grains.Serving;

/// <summary>How long a version's batcher waits for company, and how many requests one forward pass may take.</summary>
public sealed record ServingOptions
{
    /// <summary>After the first request of a batch arrives, wait at most this long for more.</summary>
    public TimeSpan BatchWindow { get; init; } = TimeSpan.FromMilliseconds(5);

    public int MaxBatchSize { get; init; } = 16;

    public void Validate()
    {
        if (BatchWindow < TimeSpan.Zero || BatchWindow > TimeSpan.FromSeconds(1))
            throw new ArgumentException($"BatchWindow must be between 0 and 1 s, got {BatchWindow.TotalMilliseconds} ms.");
        if (MaxBatchSize is < 1 or > 1024)
            throw new ArgumentException($"MaxBatchSize must be between 1 and 1024, got {MaxBatchSize}.");
    }
}
