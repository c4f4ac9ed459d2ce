using System.CommandLine;
using CaptionBoundaries.Application.Features.Reports;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace CaptionBoundaries.Host.Cli.Commands;

/// <summary>
/// `report run|compare|architectures|benchmark`: exports as csv (the main table), json (everything) or html (a
/// self-contained page with its charts). Runs and architectures are read in-process like `experiments`; a served
/// model's benchmarks live in the server's silo, so `report benchmark` asks a running server.
/// </summary>
public static class ReportCommands
{
    private static Option<string> FormatOption() => new("--format", "-f")
    {
        Description = $"{string.Join(", ", ReportFormat.Names)} (default html)",
        DefaultValueFactory = _ => ReportFormat.Html,
    };

    private static Option<string?> OutOption() => new("--out", "-o")
    {
        Description = "File to write (default: the report's own name in the current folder); - writes to standard output",
    };

    public static Command Create()
    {
        var report = new Command("report", "Export a run, a comparison, the architectures or a model's benchmarks as csv, json or html.");
        report.Subcommands.Add(Run());
        report.Subcommands.Add(Compare());
        report.Subcommands.Add(Architectures());
        report.Subcommands.Add(Benchmark());
        return report;
    }

    private static Command Run()
    {
        var id = new Argument<string>("id") { Description = "Experiment id or unambiguous prefix" };
        var (format, output) = (FormatOption(), OutOption());
        var command = new Command("run", "One run: every metric point, settings, tags, files, curves.") { id, format, output };
        command.SetAction((parse, ct) => Local(parse, new ExportRunReportQuery(parse.GetValue(id)!, parse.GetValue(format)!), parse.GetValue(output), ct));
        return command;
    }

    private static Command Compare()
    {
        var ids = new Argument<string[]>("ids") { Description = "Two or more experiment ids (or prefixes), native or logged through MLflow", Arity = ArgumentArity.OneOrMore };
        var (format, output) = (FormatOption(), OutOption());
        var command = new Command("compare", "Runs side by side, and every metric of each on one chart per key.") { ids, format, output };
        command.SetAction((parse, ct) => Local(parse, new ExportComparisonReportQuery(parse.GetValue(ids)!, parse.GetValue(format)!), parse.GetValue(output), ct));
        return command;
    }

    private static Command Architectures()
    {
        var (format, output) = (FormatOption(), OutOption());
        var command = new Command("architectures", "Per architecture: runs, mean/std/best of the best val macro-F1, trainable parameters.") { format, output };
        command.SetAction((parse, ct) => Local(parse, new ExportArchitecturesReportQuery(parse.GetValue(format)!), parse.GetValue(output), ct));
        return command;
    }

    private static Command Benchmark()
    {
        var model = new Argument<string>("model") { Description = "Served model name" };
        var (format, output) = (FormatOption(), OutOption());
        var server = new Option<string>("--server") { Description = "Base URL of a running `serve`", DefaultValueFactory = _ => ServerApiClient.DefaultServer };
        var command = new Command("benchmark", $"A served model's benchmark runs. {ModelBenchmarkCommands.ViaServer}") { model, format, output, server };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            using var client = new ServerApiClient(parse.GetValue(server)!, parse.GetValue(GlobalOptions.Token));
            var name = parse.GetValue(model)!;
            var (content, fileName) = await client.Download(
                $"api/models/performance/{Uri.EscapeDataString(name)}/report?format={Uri.EscapeDataString(parse.GetValue(format)!)}", ct);
            return await Write(content, DownloadName.Safe(fileName, $"benchmarks-{name}.{parse.GetValue(format)}"), parse.GetValue(output), ct);
        }));
        return command;
    }

    private static Task<int> Local(ParseResult parse, IQuery<ReportFile> query, string? output, CancellationToken ct) => CliErrors.Run(async () =>
    {
        await using var services = await CliServices.BuildAsync(parse, ct);
        await using var scope = services.CreateAsyncScope();
        var report = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(query, ct);
        return await Write(report.Content, report.FileName, output, ct);
    });

    private static async Task<int> Write(byte[] content, string fileName, string? output, CancellationToken ct)
    {
        if (output == "-")
        {
            await using var stdout = Console.OpenStandardOutput();
            await stdout.WriteAsync(content, ct);
            return CliErrors.Ok;
        }
        var path = Path.GetFullPath(string.IsNullOrWhiteSpace(output) ? fileName : output);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, content, ct);
        AnsiConsole.MarkupLineInterpolated($"Wrote [green]{path}[/] ({content.Length:N0} bytes).");
        return CliErrors.Ok;
    }
}
