namespace CaptionBoundaries.Bench.Load;

/// <summary>How one request ended.</summary>
public readonly record struct LoadOutcome(double CompletedSeconds, double Milliseconds, int Failovers, int? ServedBy, string? Version,
    string? FailureReason, string? Error)
{
    public bool Succeeded => FailureReason is null;
}

/// <summary>
/// Tallies outcomes as they arrive: totals for the live view, per-node and per-version counts, and per-second
/// buckets by completion time. One lock: a few thousand requests a second do not contend on it.
/// </summary>
public sealed class LoadRecorder(int nodes)
{
    private readonly Lock _lock = new();
    private readonly List<double> _latencies = [];
    private readonly List<Bucket> _seconds = [];
    private readonly Dictionary<string, long> _versions = new();
    private readonly Dictionary<string, long> _failures = new();
    private readonly long[] _attempts = new long[nodes], _succeeded = new long[nodes], _httpErrors = new long[nodes], _connectionFailures = new long[nodes];
    private long _sent, _ok, _failed, _failovers;
    private string? _firstError;

    public void Attempted(int node) => Interlocked.Increment(ref _attempts[node]);

    public void ConnectionFailed(int node) => Interlocked.Increment(ref _connectionFailures[node]);

    public void Record(LoadOutcome outcome)
    {
        lock (_lock)
        {
            _sent++;
            _failovers += outcome.Failovers;
            var second = Math.Max(0, (int)outcome.CompletedSeconds);
            while (_seconds.Count <= second) _seconds.Add(new Bucket());
            var bucket = _seconds[second];
            bucket.Requests++;
            bucket.Failovers += outcome.Failovers;
            if (outcome.Succeeded)
            {
                _ok++;
                _latencies.Add(outcome.Milliseconds);
                bucket.Latencies.Add(outcome.Milliseconds);
                var version = outcome.Version ?? "unknown";
                _versions[version] = _versions.GetValueOrDefault(version) + 1;
                bucket.Versions[version] = bucket.Versions.GetValueOrDefault(version) + 1;
                if (outcome.ServedBy is { } node)
                {
                    _succeeded[node]++;
                    bucket.ServedBy[node] = bucket.ServedBy.GetValueOrDefault(node) + 1;
                }
            }
            else
            {
                _failed++;
                bucket.Failed++;
                _failures[outcome.FailureReason!] = _failures.GetValueOrDefault(outcome.FailureReason!) + 1;
                if (outcome.ServedBy is { } node) _httpErrors[node]++;
                _firstError ??= outcome.Error ?? outcome.FailureReason;
            }
        }
    }

    /// <summary>Totals so far, for the live view.</summary>
    public (long Sent, long Succeeded, long Failed, long Failovers, string[] Versions) Totals()
    {
        lock (_lock) return (_sent, _ok, _failed, _failovers, _versions.Keys.Order(VersionOrder.Instance).ToArray());
    }

    /// <summary>Per-second rows for seconds [from, to).</summary>
    public IReadOnlyList<LoadSecond> Timeline(IReadOnlyList<Uri> nodeUrls, int from = 0, int to = int.MaxValue)
    {
        lock (_lock)
        {
            var rows = new List<LoadSecond>();
            for (var s = from; s < Math.Min(to, _seconds.Count); s++)
            {
                var b = _seconds[s];
                var latency = LatencySummary.Of(b.Latencies);
                rows.Add(new LoadSecond(s, b.Requests, b.Requests - b.Failed, b.Failed, b.Failovers, latency.P50Ms, latency.P99Ms,
                    Sorted(b.Versions), b.ServedBy.OrderBy(p => p.Key).ToDictionary(p => nodeUrls[p.Key].ToString(), p => p.Value)));
            }
            return rows;
        }
    }

    public LoadReport Report(LoadSettings settings, DateTimeOffset started, double seconds, bool cancelled)
    {
        var timeline = Timeline(settings.Nodes);
        lock (_lock)
        {
            return new LoadReport
            {
                StartedUtc = started,
                Seconds = seconds,
                Model = settings.Model,
                Protocol = settings.Protocol.Name(),
                Nodes = settings.Nodes.Select(n => n.ToString()).ToList(),
                Concurrency = settings.Concurrency,
                Cancelled = cancelled,
                Sent = _sent,
                Succeeded = _ok,
                Failed = _failed,
                Failovers = _failovers,
                Latency = LatencySummary.Of(_latencies),
                PerNode = settings.Nodes.Select((n, i) => new NodeCounts(n.ToString(), Interlocked.Read(ref _attempts[i]), _succeeded[i],
                    _httpErrors[i], Interlocked.Read(ref _connectionFailures[i]))).ToList(),
                PerVersion = Sorted(_versions),
                Failures = _failures.OrderByDescending(p => p.Value).ToDictionary(),
                FirstError = _firstError,
                Timeline = timeline,
            };
        }
    }

    private static Dictionary<string, long> Sorted(Dictionary<string, long> versions) =>
        versions.OrderBy(p => p.Key, VersionOrder.Instance).ToDictionary();

    private sealed class Bucket
    {
        public long Requests, Failed, Failovers;
        public readonly List<double> Latencies = [];
        public readonly Dictionary<string, long> Versions = new();
        public readonly Dictionary<int, long> ServedBy = new();
    }

    /// <summary>Versions in numeric order (2 before 10), anything else after.</summary>
    private sealed class VersionOrder : IComparer<string>
    {
        public static readonly VersionOrder Instance = new();

        public int Compare(string? x, string? y) => (int.TryParse(x, out var a), int.TryParse(y, out var b)) switch
        {
            (true, true) => a.CompareTo(b),
            (true, false) => -1,
            (false, true) => 1,
            _ => string.CompareOrdinal(x, y),
        };
    }
}
