namespace CaptionBoundaries.Bench.Load;

/// <summary>
/// The outcome of a load run. Sent = requests finished (succeeded + failed); a request that failed over to another
/// node counts once, with its latency measured from the first attempt.
/// </summary>
public sealed record LoadReport
{
    public required DateTimeOffset StartedUtc { get; init; }
    public required double Seconds { get; init; }
    public required string Model { get; init; }

    /// <summary>"rest" or "v2" (see <see cref="LoadProtocol"/>).</summary>
    public string Protocol { get; init; } = "rest";
    public required IReadOnlyList<string> Nodes { get; init; }
    public required int Concurrency { get; init; }
    public required bool Cancelled { get; init; }

    public required long Sent { get; init; }
    public required long Succeeded { get; init; }
    public required long Failed { get; init; }

    /// <summary>Times a request moved to another node after a connection-level failure.</summary>
    public required long Failovers { get; init; }

    /// <summary>Succeeded requests per second of the whole run.</summary>
    public double Throughput => Seconds > 0 ? Succeeded / Seconds : 0;

    public required LatencySummary Latency { get; init; }
    public required IReadOnlyList<NodeCounts> PerNode { get; init; }

    /// <summary>Succeeded requests by the version that answered ("unknown" when the answer named none).</summary>
    public required IReadOnlyDictionary<string, long> PerVersion { get; init; }

    /// <summary>Failed requests by reason: "HTTP 500", "timeout", "all nodes unreachable".</summary>
    public required IReadOnlyDictionary<string, long> Failures { get; init; }

    public required string? FirstError { get; init; }
    public required IReadOnlyList<LoadSecond> Timeline { get; init; }
}

/// <summary>
/// One node's share. Attempts include failed-over ones; connection failures are refusals and resets before an
/// answer; HTTP errors are non-2xx answers.
/// </summary>
public sealed record NodeCounts(string Url, long Attempts, long Succeeded, long HttpErrors, long ConnectionFailures);

/// <summary>The requests that finished within one second of the run (by completion time).</summary>
public sealed record LoadSecond(int Second, long Requests, long Succeeded, long Failed, long Failovers, double P50Ms, double P99Ms,
    IReadOnlyDictionary<string, long> Versions, IReadOnlyDictionary<string, long> ServedBy);
