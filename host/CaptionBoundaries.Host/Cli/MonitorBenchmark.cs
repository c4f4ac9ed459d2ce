using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Monitoring;
using CaptionBoundaries.Infrastructure.Monitoring;

namespace CaptionBoundaries.Host.Cli;

public sealed record LoggingBenchRound(int Round, bool Logging, double PerSecond);

public sealed record LoggingBenchResult(IReadOnlyList<LoggingBenchRound> Rounds, double MedianOff, double MedianOn, int Requests, int Concurrency,
    double BackgroundMicrosecondsPerRow = 0)
{
    /// <summary>Throughput lost to logging, in percent of the throughput without it (negative: within noise, logging was faster).</summary>
    public double OverheadPercent => MedianOff > 0 ? (MedianOff - MedianOn) / MedianOff * 100 : 0;
}

/// <summary>
/// Serving throughput with prediction logging off and on, in one run against one server: after a warm-up, each
/// round sends the same requests once per mode (the order alternates between rounds so slow drift of the machine
/// cancels out), switching the log through the API and flushing in between so no mode pays for the other's
/// writes. The medians over the rounds are compared. The server's logging setting is restored afterwards.
/// </summary>
public sealed class MonitorBenchmark(ServerApiClient client)
{
    public async Task<LoggingBenchResult> RunAsync(string model, string datasetFolder, int requests, int concurrency, int rounds,
        IProgress<string>? progress, CancellationToken ct)
    {
        if (requests < 1) throw new ArgumentException($"--requests must be at least 1, got {requests}.");
        if (rounds < 1) throw new ArgumentException($"--repeats must be at least 1, got {rounds}.");
        var simulation = new MonitorSimulation(client);
        var bodies = MonitorSimulation.Prepare(datasetFolder, new SimulationOptions { Count = requests, Seed = 7 }, out var cleanup);
        var original = await client.Get<PredictionLogStatistics>("api/monitoring/log", ct);
        PredictionLogStatistics before = original, after = original;
        var results = new List<LoggingBenchRound>();
        try
        {
            // Warm-up, unmeasured: one pass per mode, so both paths (and the log writer's) are compiled and cached.
            progress?.Report("warm-up");
            foreach (var logging in new[] { true, false })
            {
                await client.Put<PredictionLogStatistics>("api/monitoring/log", new { enabled = logging }, ct);
                await simulation.SendAsync(model, bodies, concurrency, null, ct);
            }
            before = await client.Post<PredictionLogStatistics>("api/monitoring/flush", new { }, ct);
            for (var round = 1; round <= rounds; round++)
            {
                bool[] order = round % 2 == 1 ? [false, true] : [true, false];
                foreach (var logging in order)
                {
                    await client.Put<PredictionLogStatistics>("api/monitoring/log", new { enabled = logging }, ct);
                    await client.Post<PredictionLogStatistics>("api/monitoring/flush", new { }, ct);
                    var result = await simulation.SendAsync(model, bodies, concurrency, null, ct);
                    if (result.Failed > 0) throw new InvalidOperationException($"{result.Failed} of {result.Sent} predictions failed: {result.FirstError}");
                    results.Add(new LoggingBenchRound(round, logging, result.PerSecond));
                    progress?.Report($"round {round}: logging {(logging ? "on " : "off")} {result.PerSecond:F1} predictions/s");
                }
            }
            after = await client.Post<PredictionLogStatistics>("api/monitoring/flush", new { }, ct);
        }
        finally
        {
            cleanup();
            await client.Put<PredictionLogStatistics>("api/monitoring/log", new { enabled = original.Enabled }, CancellationToken.None);
        }
        var rows = after.Written - before.Written;
        var background = rows == 0 ? 0 : (after.WriteSeconds + after.EvaluationSeconds - before.WriteSeconds - before.EvaluationSeconds) * 1e6 / rows;
        return new LoggingBenchResult(results, Median.Of(results.Where(r => !r.Logging).Select(r => r.PerSecond)),
            Median.Of(results.Where(r => r.Logging).Select(r => r.PerSecond)), requests, concurrency, background);
    }
}
