using System.CommandLine;

namespace CaptionBoundaries.Host.Cli.Commands;

/// <summary>
/// The newcomer's first run: make a synthetic dataset in the data folder (once), train a short LoRA run on it,
/// predict with the best checkpoint, and list what was tracked — all through the ordinary commands.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var architecture = new Option<string>("--architecture", "-a") { Description = "Architecture to train", DefaultValueFactory = _ => "channel_fusion_lora_resnet50" };
        var epochs = new Option<int>("--epochs") { Description = "Epochs", DefaultValueFactory = _ => 6 };
        var command = new Command("demo", "Synthesize a demo dataset, train on it, infer with the best checkpoint and list experiments.") { architecture, epochs };
        command.SetAction(async (parse, ct) =>
        {
            var dataDir = Path.GetFullPath(parse.GetValue(GlobalOptions.DataDir) ?? "data");
            var dataset = Path.Combine(dataDir, "datasets", "demo");
            List<string> passThrough = ["--data-dir", dataDir, .. GlobalArguments(parse)];
            var root = CliApp.Build();
            if (!File.Exists(Path.Combine(dataset, "manifest.json")))
            {
                var code = await root.Parse([.. passThrough, "dataset", "synth", dataset, "--samples-per-class", "40", "--seed", "7"]).InvokeAsync(cancellationToken: ct);
                if (code != 0) return code;
            }
            var trained = await root.Parse([.. passThrough, "train", dataset, "--name", "demo", "-a", parse.GetValue(architecture)!,
                "--epochs", parse.GetValue(epochs).ToString(), "--batch-size", "16", "--lr", "0.003", "--image-size", "64"]).InvokeAsync(cancellationToken: ct);
            if (trained != 0) return trained;
            var best = Directory.EnumerateFiles(Path.Combine(dataDir, "experiments"), "best.pt", SearchOption.AllDirectories)
                .OrderByDescending(File.GetLastWriteTimeUtc).First();
            var predictions = Path.Combine(dataDir, "predictions", "demo.jsonl");
            var inferred = await root.Parse([.. passThrough, "infer", dataset, "--checkpoint", best, "--out", predictions]).InvokeAsync(cancellationToken: ct);
            if (inferred != 0) return inferred;
            return await root.Parse([.. passThrough, "experiments", "list"]).InvokeAsync(cancellationToken: ct);
        });
        return command;
    }

    private static List<string> GlobalArguments(ParseResult parse)
    {
        var args = new List<string>();
        foreach (var option in GlobalOptions.All.OfType<Option<string?>>().Where(o => o != GlobalOptions.DataDir))
        {
            var value = parse.GetValue(option);
            if (!string.IsNullOrWhiteSpace(value)) args.AddRange([option.Name, value]);
        }
        return args;
    }
}
