using System.CommandLine;
using CaptionBoundaries.Application.Features.Registry;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace CaptionBoundaries.Host.Cli.Commands;

public static class ListModelsCommand
{
    public static Command Create()
    {
        var command = new Command("list-models", "List registered architectures (with parameter counts), embedders, augmentations and plugin load errors.");
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            await using var services = await CliServices.BuildAsync(parse, ct, migrate: false);
            await using var scope = services.CreateAsyncScope();
            var catalog = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new ListModelsQuery(), ct);
            Print(catalog);
            return catalog.Errors.Count == 0 ? CliErrors.Ok : CliErrors.Failed;
        }));
        return command;
    }

    public static void Print(ModelCatalog catalog)
    {
        var architectures = new Table().Title("Architectures")
            .AddColumn(new TableColumn("Name").NoWrap())
            .AddColumn(new TableColumn("Total params").RightAligned().NoWrap())
            .AddColumn(new TableColumn("Trainable").RightAligned().NoWrap())
            .AddColumn(new TableColumn("Trainable %").RightAligned().NoWrap());
        foreach (var a in catalog.Architectures)
        {
            architectures.AddRow(
                Markup.Escape(a.Name),
                a.TotalParameters?.ToString("N0") ?? "-",
                a.TrainableParameters?.ToString("N0") ?? "-",
                a.TotalParameters is > 0 ? (100.0 * a.TrainableParameters!.Value / a.TotalParameters.Value).ToString("F1") : "-");
        }
        AnsiConsole.Write(architectures);

        var embedders = new Table().Title("Embedders").AddColumns("Name", "Version", "Output dim", "Plugin");
        foreach (var e in catalog.Embedders)
            embedders.AddRow(Markup.Escape(e.Name), Markup.Escape(e.Version), e.OutputDimension.ToString(), Markup.Escape(Path.GetFileName(e.PluginFile)));
        AnsiConsole.Write(embedders);

        var augmentations = new Table().Title("Augmentations").AddColumns("Name", "Description", "Plugin");
        foreach (var a in catalog.Augmentations)
            augmentations.AddRow(Markup.Escape(a.Name), Markup.Escape(a.Description), Markup.Escape(Path.GetFileName(a.PluginFile)));
        AnsiConsole.Write(augmentations);

        foreach (var a in catalog.Architectures)
        {
            AnsiConsole.MarkupLineInterpolated($"[bold]{a.Name}[/]: {a.Description}");
            AnsiConsole.MarkupLineInterpolated($"  default config: {string.Join(" ", a.DefaultConfig.Select(kv => $"{kv.Key}={kv.Value}"))}");
            AnsiConsole.MarkupLineInterpolated($"  plugin: {a.PluginFile} {ShortVersion(a.PluginVersion)}");
        }

        foreach (var error in catalog.Errors)
            CliErrors.Error($"plugin {error.File}: {error.Message}");
    }

    /// <summary>Drops the "+commit" build metadata that makes informational versions unreadably long.</summary>
    private static string ShortVersion(string version) => version.Split('+')[0];
}
