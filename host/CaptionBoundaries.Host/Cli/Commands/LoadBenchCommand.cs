using System.CommandLine;
using CaptionBoundaries.Bench.Load;

namespace CaptionBoundaries.Host.Cli.Commands;

/// <summary>
/// `bench load`: a bounded load test of the predict endpoint across the nodes of a local cluster (loopback only),
/// with failover between nodes, so a version switch or a node stop during the run shows up in the timeline.
/// </summary>
public static class LoadBenchCommand
{
    public static Command Create()
    {
        var urls = new Option<string[]>("--url")
        {
            Description = "Base URL of a node (repeat for each node); loopback hosts only",
            DefaultValueFactory = _ => [ServerApiClient.DefaultServer],
        };
        var model = new Option<string>("--model") { Description = "Served model name", Required = true };
        var dataset = new Option<string>("--dataset") { Description = "Dataset folder the request bodies point into (a path the servers can read)", Required = true };
        var split = new Option<string>("--split") { Description = "Samples to send: val, train or all", DefaultValueFactory = _ => "all" };
        split.AcceptOnlyFromAmong("val", "train", "all");
        var duration = new Option<string?>("--duration") { Description = "How long to send, e.g. 30s, 2m (default 30s unless --requests)" };
        var requests = new Option<int?>("--requests") { Description = "Send this many requests instead of running for a duration" };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at once", DefaultValueFactory = _ => 8 };
        var timeout = new Option<string>("--timeout") { Description = "A request with no answer by then fails", DefaultValueFactory = _ => "30s" };
        var backoff = new Option<string>("--backoff") { Description = "How long a node that refused a connection is passed over", DefaultValueFactory = _ => "1s" };
        var sweep = new Option<string?>("--concurrency-sweep")
        {
            Description = "Run the load once per level, e.g. 1,8,32 (each level gets the whole --requests or --duration), and compare them side by side",
        };
        var protocol = new Option<string>("--protocol")
        {
            Description = "rest: POST /api/models/{model}/predict; v2: POST /v2/models/{model}/infer (Open Inference Protocol, images as base64 BYTES)",
            DefaultValueFactory = _ => "rest",
        };
        protocol.AcceptOnlyFromAmong([.. LoadProtocols.Names]);
        var json = new Option<string?>("--json") { Description = "Also write the full report (with the per-second timeline) to this JSON file" };
        var command = new Command("load",
            "Load-test the predict endpoint across nodes (loopback only): throughput, p50/p90/p99, failovers, per-node and per-version " +
            "counts and a per-second timeline; with --concurrency-sweep, one run per level side by side. Exits non-zero if any request failed. " +
            "Token: --token or CAPTIONBOUNDARIES_TOKEN.")
        {
            urls, model, dataset, split, duration, requests, concurrency, sweep, protocol, timeout, backoff, json,
        };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            // Refuse a non-loopback URL before reading anything else.
            var nodes = LoopbackGuard.Parse(parse.GetValue(urls) ?? []);
            var count = parse.GetValue(requests);
            if (count is not null && parse.GetValue(duration) is not null) throw new ArgumentException("Give --duration or --requests, not both.");
            var levels = parse.GetValue(sweep) is { } text ? ConcurrencySweep.ParseLevels(text) : null;
            if (levels is not null && parse.GetResult(concurrency) is { Implicit: false })
                throw new ArgumentException("Give --concurrency or --concurrency-sweep, not both.");
            var chosen = LoadProtocols.Parse(parse.GetValue(protocol)!);
            var settings = new LoadSettings
            {
                Nodes = nodes,
                Model = parse.GetValue(model)!,
                Token = parse.GetValue(GlobalOptions.Token) ?? Environment.GetEnvironmentVariable(ServerApiClient.TokenVariable),
                Protocol = chosen,
                Bodies = Bodies(parse.GetValue(dataset)!, parse.GetValue(split)!, count, chosen),
                Requests = count,
                Duration = count is null ? DurationText.Parse(parse.GetValue(duration) ?? "30s") : null,
                Concurrency = levels?[0] ?? parse.GetValue(concurrency),
                Timeout = DurationText.Parse(parse.GetValue(timeout)!),
                Backoff = DurationText.Parse(parse.GetValue(backoff)!),
            };
            return await LoadBenchConsole.RunAsync(settings, levels, parse.GetValue(json), ct) ? CliErrors.Ok : CliErrors.Failed;
        }));
        return command;
    }

    /// <summary>
    /// Request bodies from the dataset, in the replay order `monitor simulate` uses; a bounded set, reused in turn. For
    /// v2 each is turned into an inference request with the same images and features.
    /// </summary>
    private static IReadOnlyList<byte[]> Bodies(string folder, string split, int? requests, LoadProtocol protocol)
    {
        var bodies = MonitorSimulation.Prepare(folder, new SimulationOptions { Count = Math.Min(requests ?? 512, 512), Split = split, Seed = 1 }, out var cleanup);
        cleanup();
        var rest = LoadGenerator.Serialize(bodies);
        return protocol == LoadProtocol.V2 ? rest.Select(OpenInferenceBody.FromRestBody).ToList() : rest;
    }
}
