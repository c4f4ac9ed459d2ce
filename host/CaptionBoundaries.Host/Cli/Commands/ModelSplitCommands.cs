using System.CommandLine;
using System.Globalization;
using CaptionBoundaries.Application.Features.Registry;
using CaptionBoundaries.Domain.Registry;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using Spectre.Console;

namespace CaptionBoundaries.Host.Cli.Commands;

/// <summary>
/// `models split show|canary|shadow|share|promote|abort`: a model's traffic split through a running server's API
/// (the same handlers the console uses; docs/traffic-split.md).
/// </summary>
public static class ModelSplitCommands
{
    public static Command Create()
    {
        var split = new Command("split", $"Canary and shadow candidates next to the production version. {ModelBenchmarkCommands.ViaServer}");
        split.Subcommands.Add(Show());
        split.Subcommands.Add(Canary());
        split.Subcommands.Add(Shadow());
        split.Subcommands.Add(Share());
        split.Subcommands.Add(Step("promote", "The candidate becomes the production version (validated switch); the split ends.", SplitRequests.PromoteAsync));
        split.Subcommands.Add(Step("abort", "End the split; production is unchanged.", SplitRequests.AbortAsync));
        return split;
    }

    private static Argument<string> ModelArgument() => new("model") { Description = "Served model name" };

    private static Option<string> Reason() => new("--reason") { Description = "Why (kept in the change history)", DefaultValueFactory = _ => "" };

    private static Command Run(Command command, Func<ParseResult, ServerApiClient, CancellationToken, Task> action)
    {
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            using var client = new ServerApiClient(parse.GetValue(ModelBenchmarkCommands.Server)!, parse.GetValue(GlobalOptions.Token));
            await action(parse, client, ct);
            return CliErrors.Ok;
        }));
        return command;
    }

    private static Command Show()
    {
        var model = ModelArgument();
        return Run(new Command("show", "The running split and this node's figures per version (routes, latency, errors, shadow disagreement).") { model },
            async (parse, client, ct) => Print(await SplitRequests.ShowAsync(client, parse.GetValue(model)!, ct)));
    }

    private static Command Canary()
    {
        var model = ModelArgument();
        var version = new Argument<int>("version") { Description = "Candidate version" };
        var share = new Option<int>("--share") { Description = "Percentage of requests the canary answers (1-99)", Required = true };
        var reason = Reason();
        return Run(new Command("canary", "Start a canary: the candidate answers --share percent of requests (sticky per routing key).") { model, version, share, reason },
            async (parse, client, ct) => Print(await SplitRequests.SetAsync(client, parse.GetValue(model)!, TrafficSplitModes.Canary,
                parse.GetValue(version), parse.GetValue(share), parse.GetValue(reason)!, ct)));
    }

    private static Command Shadow()
    {
        var model = ModelArgument();
        var version = new Argument<int>("version") { Description = "Candidate version" };
        var reason = Reason();
        return Run(new Command("shadow", "Start a shadow: the candidate computes on a copy of production's requests; clients only get production's answers.") { model, version, reason },
            async (parse, client, ct) => Print(await SplitRequests.SetAsync(client, parse.GetValue(model)!, TrafficSplitModes.Shadow,
                parse.GetValue(version), null, parse.GetValue(reason)!, ct)));
    }

    private static Command Share()
    {
        var model = ModelArgument();
        var percent = new Argument<int>("percent") { Description = "New share of the running canary (1-99)" };
        var reason = Reason();
        return Run(new Command("share", "Change the running canary's share of requests.") { model, percent, reason },
            async (parse, client, ct) => Print(await SplitRequests.ReshareAsync(client, parse.GetValue(model)!, parse.GetValue(percent), parse.GetValue(reason)!, ct)));
    }

    private static Command Step(string name, string description, Func<ServerApiClient, string, string, CancellationToken, Task<SplitResult>> send)
    {
        var model = ModelArgument();
        var reason = Reason();
        return Run(new Command(name, description) { model, reason },
            async (parse, client, ct) => Print(await send(client, parse.GetValue(model)!, parse.GetValue(reason)!, ct)));
    }

    private static void Print(SplitResult result) =>
        AnsiConsole.MarkupLineInterpolated($"[green]ok[/]: {result.Reason} (production v{result.ActiveVersion?.ToString() ?? "-"}{(result.Split is { } s ? $", {Describe(s)}" : "")})");

    private static string Describe(TrafficSplit s) =>
        s.IsCanary ? $"canary v{s.CandidateVersion} at {s.SharePercent}%" : $"shadow v{s.CandidateVersion}";

    private static void Print(TrafficSplitView view)
    {
        AnsiConsole.MarkupLineInterpolated($"{view.Model}: production v{view.ActiveVersion?.ToString() ?? "-"}; {(view.Split is { } s
            ? $"{Describe(s)}, started by {s.StartedBy} at {s.StartedAtUtc:yyyy-MM-dd HH:mm} UTC ({s.Reason})"
            : "no split running")}");
        static string Ms(double? v) => v?.ToString("F1", CultureInfo.InvariantCulture) ?? "-";
        var table = new Table().Title(Markup.Escape($"node {view.Node}, since it started")).AddColumns("Version", "Role", "Requests", "By route", "p50 ms", "p95 ms", "p99 ms",
            "Errors", "Classes", "Shadow disagreement");
        foreach (var v in view.Versions)
        {
            var role = v.Version == view.ActiveVersion ? "production" : v.Version == view.Split?.CandidateVersion ? view.Split.Mode : "";
            table.AddRow($"v{v.Version}", role, v.Requests.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(string.Join(" ", v.RequestsByRoute.Select(r => $"{r.Key}={r.Value}"))), Ms(v.LatencyP50Ms), Ms(v.LatencyP95Ms), Ms(v.LatencyP99Ms),
                v.Failures.ToString(CultureInfo.InvariantCulture), Markup.Escape(string.Join(" ", v.ClassMix.OrderByDescending(c => c.Value).Select(c => $"{c.Key}={c.Value}"))),
                v.ShadowDisagreementRate is { } rate ? $"{rate:P1} of {v.ShadowCompared} ({v.ShadowDropped} dropped)" : "-");
        }
        AnsiConsole.Write(table);
    }
}

/// <summary>The split requests as the CLI sends them (kept apart from printing so tests can send them to a test server).</summary>
public static class SplitRequests
{
    public static Task<TrafficSplitView> ShowAsync(ServerApiClient client, string model, CancellationToken ct) =>
        client.Get<TrafficSplitView>($"api/models/{Uri.EscapeDataString(model)}/split", ct);

    public static Task<SplitResult> SetAsync(ServerApiClient client, string model, string mode, int version, int? sharePercent, string reason, CancellationToken ct) =>
        client.Put<SplitResult>($"api/models/{Uri.EscapeDataString(model)}/split", new { mode, version, share_percent = sharePercent, reason }, ct);

    /// <summary>A new share for the running canary: its candidate is read first, so only the percentage is typed.</summary>
    public static async Task<SplitResult> ReshareAsync(ServerApiClient client, string model, int sharePercent, string reason, CancellationToken ct)
    {
        var view = await ShowAsync(client, model, ct);
        if (view.Split is not { IsCanary: true } canary)
            throw new ArgumentException($"Model '{model}' runs no canary; start one with `models split canary {model} VERSION --share N`.");
        return await SetAsync(client, model, TrafficSplitModes.Canary, canary.CandidateVersion, sharePercent, reason, ct);
    }

    public static Task<SplitResult> PromoteAsync(ServerApiClient client, string model, string reason, CancellationToken ct) =>
        client.Post<SplitResult>($"api/models/{Uri.EscapeDataString(model)}/split/promote", new { reason }, ct);

    public static Task<SplitResult> AbortAsync(ServerApiClient client, string model, string reason, CancellationToken ct) =>
        client.Post<SplitResult>($"api/models/{Uri.EscapeDataString(model)}/split/abort", new { reason }, ct);
}
