using System.CommandLine;
using CaptionBoundaries.Application.Features.Configuration;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace CaptionBoundaries.Host.Cli.Commands;

/// <summary>`config show`: the effective configuration (secrets masked) and where each value came from; `config check` validates only.</summary>
public static class ConfigCommands
{
    public static Command Create()
    {
        var show = new Command("show", "Print every setting this environment resolves to, its source and its environment variable (secrets masked).");
        show.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            // Building the services validates the configuration first: a bad value fails here naming its key.
            await using var services = await CliServices.BuildAsync(parse, ct, migrate: false);
            await using var scope = services.CreateAsyncScope();
            var report = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new GetEffectiveConfigurationQuery(), ct);
            var table = new Table().Title($"Configuration ({Markup.Escape(report.Environment)})")
                .AddColumn(new TableColumn("Key").NoWrap()).AddColumn("Value").AddColumn("Source").AddColumn(new TableColumn("Environment variable").NoWrap());
            foreach (var s in report.Settings)
                table.AddRow(Markup.Escape(s.Key), s.IsDefault ? $"[grey]{Markup.Escape(s.Value)}[/]" : Markup.Escape(s.Value),
                    Markup.Escape(s.Source), Markup.Escape(s.EnvironmentVariable));
            AnsiConsole.Write(table);
            return CliErrors.Ok;
        }));

        var check = new Command("check", "Validate the configuration of this environment; exit 2 naming every wrong key.");
        check.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            await using var services = await CliServices.BuildAsync(parse, ct, migrate: false);
            AnsiConsole.MarkupLineInterpolated($"[green]configuration is valid[/] ({CliServices.Environment(parse)})");
            return CliErrors.Ok;
        }));

        return new Command("config", "Inspect and validate the configuration.") { show, check };
    }
}
