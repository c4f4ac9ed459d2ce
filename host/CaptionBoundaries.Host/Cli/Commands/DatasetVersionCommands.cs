using System.CommandLine;
using CaptionBoundaries.Application.Features.DatasetVersions;
using CaptionBoundaries.Infrastructure.DatasetVersions;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace CaptionBoundaries.Host.Cli.Commands;

/// <summary>`dataset version create|list|show`, `dataset checkout`, `dataset verify`, `dataset lineage`, `dataset blob` and `dataset gc`.</summary>
public static class DatasetVersionCommands
{
    public static void AddTo(Command dataset)
    {
        var version = new Command("version", "Record and list immutable, content-addressed dataset versions.");
        version.Subcommands.Add(Create());
        version.Subcommands.Add(List());
        version.Subcommands.Add(Show());
        dataset.Subcommands.Add(version);
        dataset.Subcommands.Add(Checkout());
        dataset.Subcommands.Add(Verify());
        dataset.Subcommands.Add(Lineage());
        dataset.Subcommands.Add(Blob());
        dataset.Subcommands.Add(Gc());
    }

    private static Argument<string> NameArgument() => new("name") { Description = "Dataset name (letters, digits, '.', '_', '-')" };

    private static Argument<int> VersionArgument() => new("version") { Description = "Version number (1, 2, …)" };

    private static Command Create()
    {
        var name = NameArgument();
        var folder = new Argument<string>("folder") { Description = "Dataset folder (with manifest.json) to record" };
        var message = new Option<string?>("--message", "-m") { Description = "What changed, for the version history" };
        var command = new Command("create", "Record a folder as the next version of a dataset, storing only content the blob store lacks.")
        {
            name, folder, message,
        };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            await using var services = await CliServices.BuildAsync(parse, ct);
            await using var scope = services.CreateAsyncScope();
            var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
            CreatedDatasetVersion? result = null;
            await AnsiConsole.Progress().AutoClear(true).StartAsync(async ctx =>
            {
                var task = ctx.AddTask("hashing files", maxValue: 1);
                result = await mediator.Send(new CreateDatasetVersionCommand(parse.GetValue(name)!, parse.GetValue(folder)!, parse.GetValue(message))
                {
                    Progress = new Progress<DatasetHashingProgress>(p =>
                    {
                        task.MaxValue = Math.Max(1, p.FilesTotal);
                        task.Value = p.FilesDone;
                    }),
                }, ct);
                task.Value = task.MaxValue;
            });
            var v = result!.Version;
            if (result.Reused)
                AnsiConsole.MarkupLineInterpolated($"[yellow]unchanged[/]: content equals {v.Dataset} v{v.Version}; no new version recorded.");
            else
                AnsiConsole.MarkupLineInterpolated($"[green]recorded[/] {v.Dataset} v{v.Version}: {v.SampleCount} samples, {v.BlobCount} blobs ({result.NewBlobs} new images), {Bytes(v.TotalBytes)}");
            AnsiConsole.MarkupLineInterpolated($"identity {v.ContentIdentity}");
            return CliErrors.Ok;
        }));
        return command;
    }

    private static Command List()
    {
        var name = new Argument<string?>("name") { Description = "Only this dataset", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("list", "List dataset versions, newest first per dataset.") { name };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            await using var services = await CliServices.BuildAsync(parse, ct);
            await using var scope = services.CreateAsyncScope();
            var rows = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new ListDatasetVersionsQuery(parse.GetValue(name)), ct);
            var table = new Table()
                .AddColumn("Dataset")
                .AddColumn(new TableColumn("Ver").RightAligned())
                .AddColumn("Identity")
                .AddColumn(new TableColumn("Samples").RightAligned())
                .AddColumn(new TableColumn("Blobs (new)").RightAligned())
                .AddColumn(new TableColumn("Size").RightAligned())
                .AddColumn("Created")
                .AddColumn("Message");
            foreach (var v in rows)
            {
                table.AddRow(Markup.Escape(v.Dataset), v.Version.ToString(), v.ContentIdentity[..8], v.SampleCount.ToString(),
                    $"{v.BlobCount} ({v.NewBlobCount})", Bytes(v.TotalBytes), v.CreatedAtUtc.ToString("MM-dd HH:mm"),
                    Markup.Escape(v.Message ?? ""));
            }
            AnsiConsole.Write(table);
            return CliErrors.Ok;
        }));
        return command;
    }

    private static Command Show()
    {
        var name = NameArgument();
        var version = VersionArgument();
        var command = new Command("show", "Show one version: class counts per split, image sizes and blobs.") { name, version };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            await using var services = await CliServices.BuildAsync(parse, ct);
            await using var scope = services.CreateAsyncScope();
            var details = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(
                new GetDatasetVersionQuery(parse.GetValue(name), parse.GetValue(version)), ct);
            var v = details.Summary;
            AnsiConsole.MarkupLineInterpolated($"[bold]{v.Dataset} v{v.Version}[/] ({v.Id:N}) created {v.CreatedAtUtc:yyyy-MM-dd HH:mm} UTC from {v.SourceFolder}");
            AnsiConsole.MarkupLineInterpolated($"identity {v.ContentIdentity}; manifest blob {v.ManifestBlob}; {v.BlobCount} blobs, {Bytes(v.TotalBytes)}");
            if (v.Message is not null) AnsiConsole.MarkupLineInterpolated($"message: {v.Message}");
            var counts = new Table().AddColumn("Split");
            var classes = v.ClassCounts.First().Value.Keys.ToList();
            foreach (var c in classes) counts.AddColumn(new TableColumn(Markup.Escape(c)).RightAligned());
            foreach (var (split, perClass) in v.ClassCounts)
                counts.AddRow([split, .. classes.Select(c => perClass[c].ToString())]);
            AnsiConsole.Write(counts);
            AnsiConsole.MarkupLineInterpolated($"image sizes: {string.Join(", ", details.ImageSizes.Select(p => $"{p.Key} x{p.Value}"))}");
            return CliErrors.Ok;
        }));
        return command;
    }

    private static Command Checkout()
    {
        var name = NameArgument();
        var version = VersionArgument();
        var output = new Argument<string>("output") { Description = "New (or empty) folder to write the dataset into" };
        var command = new Command("checkout", "Write a version out as a dataset folder (manifest.json + images), verifying every blob.") { name, version, output };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            await using var services = await CliServices.BuildAsync(parse, ct);
            await using var scope = services.CreateAsyncScope();
            var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
            CheckedOutDatasetVersion? result = null;
            await AnsiConsole.Progress().AutoClear(true).StartAsync(async ctx =>
            {
                var task = ctx.AddTask("verifying and copying blobs", maxValue: 1);
                result = await mediator.Send(new CheckoutDatasetVersionCommand(parse.GetValue(name)!, parse.GetValue(version), parse.GetValue(output)!)
                {
                    Progress = new Progress<DatasetHashingProgress>(p =>
                    {
                        task.MaxValue = Math.Max(1, p.FilesTotal);
                        task.Value = p.FilesDone;
                    }),
                }, ct);
                task.Value = task.MaxValue;
            });
            AnsiConsole.MarkupLineInterpolated($"[green]checked out[/] {result!.Version.Dataset} v{result.Version.Version} to {result.Folder}: {result.Files} files, {Bytes(result.Bytes)}, identity {result.Identity}");
            return CliErrors.Ok;
        }));
        return command;
    }

    private static Command Verify()
    {
        var name = NameArgument();
        var version = VersionArgument();
        var command = new Command("verify", "Re-hash every blob of a version and list any that are missing or altered (exit code 1 if so).") { name, version };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            await using var services = await CliServices.BuildAsync(parse, ct);
            await using var scope = services.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(
                new VerifyDatasetVersionQuery(parse.GetValue(name)!, parse.GetValue(version)), ct);
            var v = result.Version;
            if (result.Intact)
            {
                AnsiConsole.MarkupLineInterpolated($"[green]intact[/]: {v.Dataset} v{v.Version}, {result.BlobsChecked} blobs verified.");
                return CliErrors.Ok;
            }
            var table = new Table().AddColumn(new TableColumn("Blob").NoWrap()).AddColumn("Used by").AddColumn("Problem");
            foreach (var p in result.Problems)
                table.AddRow(p.Sha[..16], Markup.Escape(string.Join(", ", p.UsedBy)), Markup.Escape(p.Problem));
            AnsiConsole.Write(table);
            CliErrors.Error($"{v.Dataset} v{v.Version}: {result.Problems.Count} of {result.BlobsChecked} blobs are missing or altered.");
            return CliErrors.Failed;
        }));
        return command;
    }

    private static Command Lineage()
    {
        var name = NameArgument();
        var version = VersionArgument();
        var blobs = new Option<bool>("--blobs") { Description = "Also list every blob and the samples using it" };
        var command = new Command("lineage", "Show a version's parent, the experiments trained on its content and (with --blobs) its blobs.") { name, version, blobs };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            await using var services = await CliServices.BuildAsync(parse, ct);
            await using var scope = services.CreateAsyncScope();
            var lineage = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(
                new DatasetLineageQuery(parse.GetValue(name)!, parse.GetValue(version)), ct);
            var v = lineage.Version;
            AnsiConsole.MarkupLineInterpolated($"[bold]{v.Dataset} v{v.Version}[/] identity {v.ContentIdentity}; parent {(lineage.ParentVersion is { } p ? $"v{p}" : "none")}; {lineage.Blobs.Count} blobs");
            var experiments = new Table().Title("Experiments trained on this content")
                .AddColumn(new TableColumn("Id").NoWrap())
                .AddColumn("Name")
                .AddColumn(new TableColumn("Architecture").NoWrap())
                .AddColumn(new TableColumn("Status").NoWrap())
                .AddColumn(new TableColumn("Best F1").RightAligned().NoWrap())
                .AddColumn("Dataset path");
            foreach (var e in lineage.Experiments)
                experiments.AddRow(e.Id.ToString("N")[..8], Markup.Escape(e.Name), Markup.Escape(e.ArchitectureName), e.Status,
                    e.BestValMacroF1 is { } f1 ? f1.ToString("F4") : "-", Markup.Escape(e.DatasetPath));
            AnsiConsole.Write(experiments);
            if (parse.GetValue(blobs))
            {
                var table = new Table().AddColumn(new TableColumn("Blob").NoWrap()).AddColumn(new TableColumn("Size").RightAligned()).AddColumn("Used by");
                foreach (var b in lineage.Blobs)
                    table.AddRow(b.Sha[..16], Bytes(b.Bytes), Markup.Escape(string.Join(", ", b.Uses.Take(4)) + (b.Uses.Count > 4 ? $" (+{b.Uses.Count - 4})" : "")));
                AnsiConsole.Write(table);
            }
            return CliErrors.Ok;
        }));
        return command;
    }

    private static Command Blob()
    {
        var sha = new Argument<string>("sha") { Description = "Blob hash or an unambiguous prefix (8+ hex characters)" };
        var command = new Command("blob", "List the dataset versions that reference a blob.") { sha };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            await using var services = await CliServices.BuildAsync(parse, ct);
            await using var scope = services.CreateAsyncScope();
            var usage = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new BlobVersionsQuery(parse.GetValue(sha)!), ct);
            AnsiConsole.MarkupLineInterpolated($"blob {usage.Sha} ({(usage.Stored ? "stored" : "[red]missing from the store[/]")})");
            var table = new Table().AddColumn("Dataset").AddColumn(new TableColumn("Ver").RightAligned()).AddColumn("Version id");
            foreach (var v in usage.Versions) table.AddRow(Markup.Escape(v.Dataset), v.Version.ToString(), v.Id.ToString("N"));
            AnsiConsole.Write(table);
            return CliErrors.Ok;
        }));
        return command;
    }

    private static Command Gc()
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Report what would be deleted, delete nothing" };
        var command = new Command("gc", "Delete blobs no dataset version references (blobs younger than the grace period are kept).") { dryRun };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            await using var services = await CliServices.BuildAsync(parse, ct);
            await using var scope = services.CreateAsyncScope();
            var gc = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new CollectGarbageCommand(parse.GetValue(dryRun)), ct);
            if (gc.Deleted.Count > 0)
            {
                var table = new Table().AddColumn(new TableColumn("Blob").NoWrap()).AddColumn(new TableColumn("Size").RightAligned()).AddColumn("Last written (UTC)");
                foreach (var b in gc.Deleted) table.AddRow(b.Sha[..16], Bytes(b.Bytes), b.LastWriteUtc.ToString("yyyy-MM-dd HH:mm"));
                AnsiConsole.Write(table);
            }
            if (gc.DryRun) AnsiConsole.Markup("[yellow]dry run[/]: ");
            var verb = gc.DryRun ? "would delete" : "deleted";
            AnsiConsole.MarkupLineInterpolated($"{verb} {gc.Deleted.Count} blobs ({Bytes(gc.BytesFreed)}) and {gc.TempFilesDeleted} stale temp files; kept {gc.KeptReferenced} referenced and {gc.KeptYoung.Count} unreferenced blobs younger than {gc.GracePeriod}.");
            return CliErrors.Ok;
        }));
        return command;
    }

    private static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:F1} KiB",
        < 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024):F1} MiB",
        _ => $"{bytes / (1024.0 * 1024 * 1024):F2} GiB",
    };
}
