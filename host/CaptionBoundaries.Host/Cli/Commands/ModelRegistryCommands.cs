using System.CommandLine;
using CaptionBoundaries.Application.Features.Registry;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using Spectre.Console;

namespace CaptionBoundaries.Host.Cli.Commands;

/// <summary>
/// `models list|show|register|switch|rollback|alias|promote|archive|split`: the registry lifecycle, through a running
/// server's API (the same handlers the console uses).
/// </summary>
public static class ModelRegistryCommands
{
    public static void AddTo(Command models)
    {
        models.Subcommands.Add(List());
        models.Subcommands.Add(Show());
        models.Subcommands.Add(Register());
        models.Subcommands.Add(Switch());
        models.Subcommands.Add(Rollback());
        models.Subcommands.Add(Alias());
        models.Subcommands.Add(Promote());
        models.Subcommands.Add(Archive());
        models.Subcommands.Add(ModelSplitCommands.Create());
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

    private static Command List() => Run(new Command("list", $"Served models with active version and aliases. {ModelBenchmarkCommands.ViaServer}"),
        async (parse, client, ct) =>
        {
            var models = await client.Get<List<ModelInfo>>("api/models", ct);
            var table = new Table().AddColumns("Model", "Versions", "Active", "Aliases");
            foreach (var m in models)
                table.AddRow(Markup.Escape(m.Name), m.Versions.Count.ToString(), m.ActiveVersion?.ToString() ?? "-",
                    Markup.Escape(string.Join(" ", m.Aliases.Select(a => $"{a.Key}→v{a.Value}"))));
            AnsiConsole.Write(table);
        });

    private static Command Show()
    {
        var model = ModelArgument();
        return Run(new Command("show", "Versions (source, hash, archived) and the change history of a model.") { model }, async (parse, client, ct) =>
        {
            var name = parse.GetValue(model)!;
            var records = await client.Get<ModelRegistryRecords>($"api/models/{name}/registry", ct);
            var versions = new Table().Title($"{name}: versions").AddColumns("Version", "Type", "Source", "Experiment", "SHA-256", "Val F1", "By", "Created (UTC)", "Archived");
            foreach (var v in records.Versions)
                versions.AddRow($"v{v.Version}", Markup.Escape(v.ModelType), v.Source, v.ExperimentId?.ToString("N")[..8] ?? "-", v.CheckpointSha256[..12],
                    v.ValMacroF1?.ToString("F4") ?? "-", Markup.Escape(v.CreatedBy), v.CreatedAtUtc.ToString("MM-dd HH:mm"), v.Archived ? "yes" : "");
            AnsiConsole.Write(versions);
            var history = new Table().Title("history").AddColumns("When (UTC)", "Who", "What", "Version", "From", "Alias", "Why");
            foreach (var c in records.Changes)
                history.AddRow(c.AtUtc.ToString("MM-dd HH:mm:ss"), Markup.Escape(c.Actor), c.Kind, $"v{c.Version}", c.PreviousVersion is { } p ? $"v{p}" : "-",
                    Markup.Escape(c.Alias ?? ""), Markup.Escape(c.Reason));
            AnsiConsole.Write(history);
        });
    }

    private static Command Register()
    {
        var model = ModelArgument();
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Checkpoint file to register (uploaded to the server)" };
        var experiment = new Option<string?>("--experiment") { Description = "Register this experiment's checkpoint (id or prefix)" };
        var kind = new Option<string>("--kind") { Description = "best or last (with --experiment)", DefaultValueFactory = _ => "best" };
        return Run(new Command("register", "Register a checkpoint, or an experiment's best checkpoint, as the model's next version.") { model, checkpoint, experiment, kind },
            async (parse, client, ct) =>
            {
                if (parse.GetValue(checkpoint) is null == parse.GetValue(experiment) is null)
                    throw new ArgumentException("Give exactly one of --checkpoint or --experiment.");
                var version = parse.GetValue(experiment) is { } id
                    ? await client.Post<ModelVersionInfo>($"api/models/{parse.GetValue(model)}/versions", new { experiment_id = id, kind = parse.GetValue(kind) }, ct)
                    // The file travels with the request: the server may be another machine, and names no client paths.
                    : await client.Upload<ModelVersionInfo>($"api/models/{parse.GetValue(model)}/versions/upload", parse.GetValue(checkpoint)!, ct);
                AnsiConsole.MarkupLineInterpolated($"[green]registered[/] {parse.GetValue(model)} v{version.Version} ({version.ArchitectureName}, sha256 {version.Sha256[..16]}…)");
            });
    }

    private static Command Switch()
    {
        var model = ModelArgument();
        var version = new Argument<int>("version") { Description = "Version to serve" };
        var reason = Reason();
        return Run(new Command("switch", "Serve another version, live (validated first; refused versions keep the old one serving).") { model, version, reason },
            async (parse, client, ct) => Print(await client.Post<SwitchResult>($"api/models/{parse.GetValue(model)}/switch",
                new { version = parse.GetValue(version), reason = parse.GetValue(reason) }, ct)));
    }

    private static Command Rollback()
    {
        var model = ModelArgument();
        var reason = Reason();
        return Run(new Command("rollback", "Serve the previously active version again.") { model, reason },
            async (parse, client, ct) => Print(await client.Post<SwitchResult>($"api/models/{parse.GetValue(model)}/rollback", new { reason = parse.GetValue(reason) }, ct)));
    }

    private static Command Alias()
    {
        var model = ModelArgument();
        var alias = new Argument<string>("alias") { Description = "production, staging or any name" };
        var version = new Argument<int>("version") { Description = "Version the alias should point at" };
        var move = new Option<bool>("--move") { Description = "Move the alias even if it points at another version" };
        var reason = Reason();
        return Run(new Command("alias", "Point an alias at a version (production switches what is served).") { model, alias, version, move, reason },
            async (parse, client, ct) => Print(await client.Put<SwitchResult>($"api/models/{parse.GetValue(model)}/aliases/{parse.GetValue(alias)}",
                new { version = parse.GetValue(version), reason = parse.GetValue(reason), move = parse.GetValue(move) }, ct)));
    }

    private static Command Promote()
    {
        var model = ModelArgument();
        var from = new Option<string>("--from") { Description = "Alias to promote", DefaultValueFactory = _ => "staging" };
        var to = new Option<string>("--to") { Description = "Alias to move", DefaultValueFactory = _ => "production" };
        var reason = Reason();
        return Run(new Command("promote", "Promote staging to production (a validated switch).") { model, from, to, reason },
            async (parse, client, ct) => Print(await client.Post<SwitchResult>($"api/models/{parse.GetValue(model)}/promote",
                new { from = parse.GetValue(from), to = parse.GetValue(to), reason = parse.GetValue(reason) }, ct)));
    }

    private static Command Archive()
    {
        var model = ModelArgument();
        var version = new Argument<int>("version") { Description = "Version to archive (not served, not aliased)" };
        var reason = Reason();
        return Run(new Command("archive", "Archive a version so it can no longer be served.") { model, version, reason },
            async (parse, client, ct) => Print(await client.Post<SwitchResult>($"api/models/{parse.GetValue(model)}/versions/{parse.GetValue(version)}/archive",
                new { reason = parse.GetValue(reason) }, ct)));
    }

    private static void Print(SwitchResult result) =>
        AnsiConsole.MarkupLineInterpolated($"[green]ok[/]: serving v{result.ActiveVersion?.ToString() ?? "-"} (before v{result.PreviousVersion?.ToString() ?? "-"}) — {result.Reason}");
}
