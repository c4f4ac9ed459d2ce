using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CaptionBoundaries.Contracts;
using Spectre.Console;

namespace CaptionBoundaries.Host.Cli.Commands;

/// <summary>
/// `predict MODEL`: classifies local files with a served model over HTTP. The files are read here and sent as bytes
/// (the server reads no path a client names): three images and the features, or the first samples of a local dataset
/// folder as batches. Prints each answer's class, probabilities, the version that answered and the latency.
/// </summary>
public static class PredictCommandLine
{
    public static readonly Option<string> Server = new("--server")
    {
        Description = "Base URL of a running `serve`",
        DefaultValueFactory = _ => ServerApiClient.DefaultServer,
    };

    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "Served model name" };
        var frame1 = new Option<string?>("--frame1") { Description = "First frame (PNG or JPEG file)" };
        var frame2 = new Option<string?>("--frame2") { Description = "Second frame (PNG or JPEG file)" };
        var ocrViz = new Option<string?>("--ocr-viz") { Description = "OCR visualisation (PNG or JPEG file)" };
        var spatial = new Option<string?>("--spatial-features") { Description = $"{TaskSpec.SpatialFeatureCount} comma-separated numbers: {string.Join(", ", TaskSpec.SpatialFeatureNames)}" };
        var box = new Option<string?>("--caption-box") { Description = "Optional caption box x0,y0,x1,y1 normalised to [0, 1] (the font embedding is computed from it)" };
        var dataset = new Option<string?>("--dataset") { Description = "Send samples of this local dataset folder instead of single files" };
        var samples = new Option<int>("--samples") { Description = "With --dataset: how many samples (the first of the split, in manifest order)", DefaultValueFactory = _ => 16 };
        var split = new Option<string>("--split") { Description = "With --dataset: val, train or all", DefaultValueFactory = _ => "val" };
        split.AcceptOnlyFromAmong("val", "train", "all");
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "With --dataset: samples per request (the server accepts up to Limits:MaxPredictSamples, 64 by default)",
            DefaultValueFactory = _ => 32,
        };
        var version = new Option<int?>("--version") { Description = "Answer with this version instead of the model's route" };
        var key = new Option<string?>("--key") { Description = "Routing key: requests with the same key take the same route" };
        var json = new Option<bool>("--json") { Description = "Print the answers as JSON instead of a table" };
        var command = new Command("predict",
            $"Classify local files with a served model: --frame1/--frame2/--ocr-viz/--spatial-features, or --dataset FOLDER. {ModelBenchmarkCommands.ViaServer}")
        {
            model, frame1, frame2, ocrViz, spatial, box, dataset, samples, split, batchSize, version, key, json, Server,
        };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            var name = parse.GetValue(model)!;
            var folder = parse.GetValue(dataset);
            var files = new[] { parse.GetValue(frame1), parse.GetValue(frame2), parse.GetValue(ocrViz), parse.GetValue(spatial) };
            IReadOnlyList<LocalPredictSample> chosen;
            if (folder is not null)
            {
                if (files.Any(f => f is not null) || parse.GetValue(box) is not null)
                    throw new ArgumentException("Give --dataset or the sample's files (--frame1, --frame2, --ocr-viz, --spatial-features), not both.");
                chosen = LocalPredictSamples.FromDataset(folder, parse.GetValue(split)!, parse.GetValue(samples));
            }
            else
            {
                string[] names = ["--frame1", "--frame2", "--ocr-viz", "--spatial-features"];
                var missing = names.Where((_, i) => files[i] is null).ToList();
                if (missing.Count > 0) throw new ArgumentException($"Missing {string.Join(", ", missing)} (or give --dataset FOLDER).");
                chosen = [LocalPredictSamples.FromFiles(files[0]!, files[1]!, files[2]!, files[3]!, parse.GetValue(box))];
            }
            var size = parse.GetValue(batchSize);
            if (size < 1) throw new ArgumentException($"--batch-size must be at least 1, got {size}.");

            using var client = new ServerApiClient(parse.GetValue(Server)!, parse.GetValue(GlobalOptions.Token));
            var rows = await SendAsync(client, name, chosen, folder is not null, size, parse.GetValue(version), parse.GetValue(key), ct);
            if (parse.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(rows, Indented));
            else Write(name, rows);
            return CliErrors.Ok;
        }));
        return command;
    }

    /// <summary>
    /// One answered sample: what the server said, with the server-side latency and the client's round trip of the
    /// request (numbered from 0) that carried it.
    /// </summary>
    public sealed record PredictedRow(
        string Sample, string? TrueClass, string Model, int Version, string PredictedClass, double Confidence,
        IReadOnlyDictionary<string, double> Probabilities, int Request, double LatencyMs, double RoundTripMs);

    private sealed record Answer(string Model, int Version, string PredictedClass, double Confidence, Dictionary<string, double> Probabilities, double LatencyMs);

    private sealed record BatchAnswer(string Model, int Version, List<Answer> Predictions, double LatencyMs);

    private static readonly JsonSerializerOptions Indented = new(ServerApiClient.Json) { WriteIndented = true };

    private static async Task<List<PredictedRow>> SendAsync(ServerApiClient client, string model, IReadOnlyList<LocalPredictSample> samples,
        bool batch, int batchSize, int? version, string? key, CancellationToken ct)
    {
        var rows = new List<PredictedRow>(samples.Count);
        var path = $"api/models/{Uri.EscapeDataString(model)}/predict";
        if (!batch)
        {
            var sample = samples[0];
            var body = new Dictionary<string, object?>(sample.Body()) { ["version"] = version, ["key"] = key };
            var clock = Stopwatch.StartNew();
            var a = await client.Post<Answer>(path, body, ct);
            rows.Add(Row(sample, a, 0, a.LatencyMs, clock.Elapsed.TotalMilliseconds));
            return rows;
        }
        // Requests one after another: the point is each answer, not throughput (that is `bench load`).
        var request = 0;
        foreach (var chunk in samples.Chunk(batchSize))
        {
            var clock = Stopwatch.StartNew();
            var answer = await client.Post<BatchAnswer>($"{path}/batch",
                new { instances = chunk.Select(s => s.Body()).ToList(), version, key }, ct);
            var roundTrip = clock.Elapsed.TotalMilliseconds;
            if (answer.Predictions.Count != chunk.Length)
                throw new InvalidOperationException($"The server answered {answer.Predictions.Count} predictions for {chunk.Length} samples.");
            rows.AddRange(chunk.Zip(answer.Predictions, (s, a) => Row(s, a with { Version = answer.Version }, request, answer.LatencyMs, roundTrip)));
            request++;
        }
        return rows;
    }

    private static PredictedRow Row(LocalPredictSample sample, Answer a, int request, double latencyMs, double roundTripMs) =>
        new(sample.Name, sample.TrueClass, a.Model, a.Version, a.PredictedClass, a.Confidence, a.Probabilities, request, latencyMs, roundTripMs);

    private static void Write(string model, IReadOnlyList<PredictedRow> rows)
    {
        var labelled = rows.Any(r => r.TrueClass is not null);
        var table = new Table().AddColumn("Sample");
        if (labelled) table.AddColumn("True");
        table.AddColumn("Predicted").AddColumn(new TableColumn("Confidence").RightAligned());
        foreach (var c in TaskSpec.Classes) table.AddColumn(new TableColumn(c).RightAligned());
        table.AddColumn(new TableColumn("Version").RightAligned()).AddColumn(new TableColumn("Latency ms").RightAligned());
        foreach (var r in rows)
        {
            var cells = new List<string> { Markup.Escape(r.Sample) };
            if (labelled) cells.Add(Markup.Escape(r.TrueClass ?? ""));
            var wrong = r.TrueClass is not null && r.TrueClass != r.PredictedClass;
            cells.Add(wrong ? $"[red]{Markup.Escape(r.PredictedClass)}[/]" : Markup.Escape(r.PredictedClass));
            cells.Add(F(r.Confidence, "F3"));
            cells.AddRange(TaskSpec.Classes.Select(c => F(r.Probabilities.GetValueOrDefault(c), "F3")));
            cells.Add(r.Version.ToString(CultureInfo.InvariantCulture));
            cells.Add(F(r.LatencyMs, "F1"));
            table.AddRow(cells.ToArray());
        }
        AnsiConsole.Write(table);
        var versions = string.Join(", ", rows.Select(r => r.Version).Distinct().Order());
        var requests = rows.GroupBy(r => r.Request).Select(g => g.First()).ToList();
        AnsiConsole.MarkupLineInterpolated(
            $"{rows.Count} prediction(s) from '{model}' version {versions} in {requests.Count} request(s): server latency {F(requests.Sum(r => r.LatencyMs), "F1")} ms, round trip {F(requests.Sum(r => r.RoundTripMs), "F1")} ms.");
        if (labelled)
            AnsiConsole.MarkupLineInterpolated($"{rows.Count(r => r.TrueClass == r.PredictedClass)} of {rows.Count} match their labels.");
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
