using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Host.Cli;
using CaptionBoundaries.Tests.Support;

namespace CaptionBoundaries.Tests.TryIt;

/// <summary>
/// `caption-boundaries predict` and `bench load --concurrency-sweep` as a user runs them: the built executable as a
/// child process against the server listening on a loopback port.
/// </summary>
[Collection(TryItCollection.Name)]
public sealed partial class PredictCliTests(TryItFixture fx) : IDisposable
{
    private readonly TempFolder _client = new("cb-predict-cli");

    public void Dispose() => _client.Dispose();

    /// <summary>Runs the CLI to its end: exit code and everything it printed (whitespace runs folded, since narrow output wraps).</summary>
    private async Task<(int Code, string Output)> Cli(params string[] args)
    {
        var start = HostProcess.StartInfo(_client.Path, _client.Combine("data"), _client.Combine("plugins"), new Dictionary<string, string>(), args);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, (await output) + (await error));
    }

    private static string Folded(string text) => Spaces().Replace(text, " ");

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    private string File(string relative) => Path.Combine(fx.Dataset, relative);

    private string[] Server(string token) => ["--server", fx.Factory.BaseUrl, "--token", token];

    [Fact]
    public async Task Predict_sends_local_files_as_bytes_and_prints_what_the_server_answered()
    {
        var sample = fx.Validation()[0];
        var features = string.Join(",", sample.SpatialFeatures.Select(f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        string[] files = ["--frame1", File(sample.Frame1), "--frame2", File(sample.Frame2), "--ocr-viz", File(sample.OcrViz), "--spatial-features", features];
        if (sample.CaptionBox is { } box) files = [.. files, "--caption-box", string.Join(",", box.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))];

        var (code, json) = await Cli(["predict", TryItFixture.Model, .. files, .. Server(fx.ViewerToken), "--json"]);
        Assert.True(code == 0, json);
        var row = Assert.Single(JsonSerializer.Deserialize<List<JsonElement>>(json)!);
        // What the API answers for the same bytes, asked directly.
        var direct = await (await fx.Admin.PostAsJsonAsync($"/api/models/{TryItFixture.Model}/predict", PredictBodies.Of(fx.Dataset, sample))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, row.GetProperty("version").GetInt32());
        Assert.Equal(direct.GetProperty("predicted_class").GetString(), row.GetProperty("predicted_class").GetString());
        foreach (var c in TaskSpec.Classes)
            Assert.Equal(direct.GetProperty("probabilities").GetProperty(c).GetDouble(), row.GetProperty("probabilities").GetProperty(c).GetDouble(), 6);
        Assert.True(row.GetProperty("latency_ms").GetDouble() > 0);

        var (tableCode, table) = await Cli(["predict", TryItFixture.Model, .. files, "--version", "2", .. Server(fx.ViewerToken)]);
        Assert.True(tableCode == 0, table);
        var folded = Folded(table);
        Assert.Contains("1 prediction(s) from 'tryit' version 2 in 1 request(s)", folded);
        foreach (var c in TaskSpec.Classes) Assert.Contains(c, table);
    }

    [Fact]
    public async Task Predict_sends_a_datasets_samples_as_batches_and_compares_them_with_their_labels()
    {
        var validation = fx.Validation();
        var count = Math.Min(validation.Count, 5);
        var (code, json) = await Cli(["predict", TryItFixture.Model, "--dataset", fx.Dataset, "--samples", $"{count}", "--batch-size", "2",
            "--version", "2", "--key", "cli-test", .. Server(fx.ViewerToken), "--json"]);
        Assert.True(code == 0, json);
        var rows = JsonSerializer.Deserialize<List<JsonElement>>(json)!;
        Assert.Equal(validation.Take(count).Select(s => (s.Id, s.Label)), rows.Select(r => (r.GetProperty("sample").GetString()!, r.GetProperty("true_class").GetString()!)));
        Assert.All(rows, r => Assert.Equal(2, r.GetProperty("version").GetInt32()));
        // Batches of 2: requests 0, 0, 1, 1, 2.
        Assert.Equal(Enumerable.Range(0, count).Select(i => i / 2), rows.Select(r => r.GetProperty("request").GetInt32()));

        var (tableCode, table) = await Cli(["predict", TryItFixture.Model, "--dataset", fx.Dataset, "--samples", $"{count}", .. Server(fx.ViewerToken)]);
        Assert.True(tableCode == 0, table);
        Assert.Matches($@"\d+ of {count} match their labels", Folded(table));
    }

    [Fact]
    public async Task Predict_refuses_bad_input_with_one_line_and_exit_code_2()
    {
        var sample = fx.Validation()[0];
        string[] images = ["--frame1", File(sample.Frame1), "--frame2", File(sample.Frame2), "--ocr-viz", File(sample.OcrViz)];

        var (missing, missingText) = await Cli(["predict", TryItFixture.Model, "--frame1", File(sample.Frame1), "--spatial-features", "1,2", .. Server(fx.ViewerToken)]);
        Assert.Equal((CliErrors.BadInput, true), (missing, Folded(missingText).Contains("Missing --frame2, --ocr-viz")));

        var (notNumber, notNumberText) = await Cli(["predict", TryItFixture.Model, .. images, "--spatial-features", "0.1,abc", .. Server(fx.ViewerToken)]);
        Assert.Equal((CliErrors.BadInput, true), (notNumber, Folded(notNumberText).Contains("'abc' (value 2) is not a number")));

        // The server counts the features and names the field.
        var (short3, shortText) = await Cli(["predict", TryItFixture.Model, .. images, "--spatial-features", "0.1,0.2,0.3", .. Server(fx.ViewerToken)]);
        Assert.Equal(CliErrors.BadInput, short3);
        Assert.Contains("spatial_features", shortText);
        Assert.Contains("server answered 400", Folded(shortText));

        // A file that is no image, sent anyway: the server refuses it naming the field.
        var text = _client.Combine("not-an-image.png");
        await System.IO.File.WriteAllTextAsync(text, "hello");
        var (garbage, garbageText) = await Cli(["predict", TryItFixture.Model, "--frame1", text, "--frame2", File(sample.Frame2), "--ocr-viz", File(sample.OcrViz),
            "--spatial-features", string.Join(",", sample.SpatialFeatures), .. Server(fx.ViewerToken)]);
        Assert.Equal(CliErrors.BadInput, garbage);
        Assert.Contains("frame1", garbageText);

        // Someone else's private model is "not found", as if it did not exist.
        var (hidden, hiddenText) = await Cli(["predict", TryItFixture.BobsPrivate, .. images, "--spatial-features", string.Join(",", sample.SpatialFeatures), .. Server(fx.ViewerToken)]);
        Assert.Equal(CliErrors.BadInput, hidden);
        Assert.Contains("server answered 404", Folded(hiddenText));
    }

    [Fact]
    public async Task A_concurrency_sweep_runs_every_level_against_the_server_and_writes_its_report()
    {
        var report = _client.Combine("sweep.json");
        var (code, output) = await Cli(["bench", "load", "--url", fx.Factory.BaseUrl, "--model", TryItFixture.Model, "--dataset", fx.Dataset,
            "--requests", "6", "--concurrency-sweep", "1,3", "--json", report, "--token", fx.ViewerToken]);
        Assert.True(code == 0, output);
        Assert.Contains("by concurrency", output);

        using var document = JsonDocument.Parse(await System.IO.File.ReadAllTextAsync(report));
        var root = document.RootElement;
        Assert.Equal(("tryit", "rest", 6), (root.GetProperty("model").GetString(), root.GetProperty("protocol").GetString(), root.GetProperty("requests_per_level").GetInt32()));
        var levels = root.GetProperty("levels").EnumerateArray().ToList();
        Assert.Equal([1, 3], levels.Select(l => l.GetProperty("concurrency").GetInt32()));
        foreach (var level in levels)
        {
            Assert.Equal((6L, 6L, 0L), (level.GetProperty("sent").GetInt64(), level.GetProperty("succeeded").GetInt64(), level.GetProperty("failed").GetInt64()));
            Assert.Equal(6, level.GetProperty("per_version").GetProperty("1").GetInt64());
            Assert.Equal(6, level.GetProperty("latency").GetProperty("count").GetInt64());
            Assert.Equal(6, level.GetProperty("timeline").EnumerateArray().Sum(s => s.GetProperty("requests").GetInt64()));
            Assert.Equal(6, level.GetProperty("per_node").EnumerateArray().Sum(n => n.GetProperty("attempts").GetInt64()));
        }
        Assert.Equal(12, root.GetProperty("sent").GetInt64());

        var (both, bothText) = await Cli(["bench", "load", "--url", fx.Factory.BaseUrl, "--model", TryItFixture.Model, "--dataset", fx.Dataset,
            "--requests", "2", "--concurrency", "4", "--concurrency-sweep", "1,2", "--token", fx.ViewerToken]);
        Assert.Equal(CliErrors.BadInput, both);
        Assert.Contains("not both", bothText);
    }

    [Fact]
    public async Task A_v2_sweep_speaks_the_open_inference_protocol_to_the_server_and_every_request_is_answered()
    {
        // The request form is written from the protocol's text (OpenInferenceBody); here it meets the server's /v2 route.
        var report = _client.Combine("v2.json");
        var (code, output) = await Cli(["bench", "load", "--url", fx.Factory.BaseUrl, "--model", TryItFixture.Model, "--dataset", fx.Dataset,
            "--requests", "5", "--protocol", "v2", "--concurrency-sweep", "2,1", "--json", report, "--token", fx.ViewerToken]);
        Assert.True(code == 0, output);

        using var document = JsonDocument.Parse(await System.IO.File.ReadAllTextAsync(report));
        var root = document.RootElement;
        Assert.Equal("v2", root.GetProperty("protocol").GetString());
        var levels = root.GetProperty("levels").EnumerateArray().ToList();
        Assert.Equal([2, 1], levels.Select(l => l.GetProperty("concurrency").GetInt32()));
        foreach (var level in levels)
        {
            Assert.Equal((5L, 5L, 0L), (level.GetProperty("sent").GetInt64(), level.GetProperty("succeeded").GetInt64(), level.GetProperty("failed").GetInt64()));
            // The version comes from the answers' model_version: the model's route, v1.
            Assert.Equal(5, level.GetProperty("per_version").GetProperty("1").GetInt64());
        }
    }
}
