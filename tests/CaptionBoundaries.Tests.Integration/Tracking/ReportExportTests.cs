using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CaptionBoundaries.Domain.Benchmarks;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Tracking;
using CaptionBoundaries.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Tracking;

/// <summary>
/// Exports of a run, a comparison, the architectures and a model's benchmarks, checked for content: the numbers in
/// the database come back from the CSV and JSON, the HTML holds the charts and the encoded names.
/// </summary>
[Collection(RunRecordsCollection.Name)]
public sealed class ReportExportTests(RunRecordsFixture fx)
{
    private const string HostileName = "<script>alert(1)</script>";

    private static async Task<(string Text, HttpResponseMessage Response)> Download(HttpClient client, string url, string contentType)
    {
        var response = await client.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        return (text, response);
    }

    private async Task<List<EpochMetric>> EpochsOf(Guid run)
    {
        await using var scope = fx.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TrackingDbContext>().EpochMetrics.Where(m => m.ExperimentId == run).OrderBy(m => m.Epoch).ToListAsync();
    }

    [Fact]
    public async Task A_run_exports_every_metric_point_to_csv_and_json_and_an_encoded_html_page_with_its_charts()
    {
        var run = await TrackedRuns.NativeAsync(fx.Services, HostileName, "bob", valF1: [0.31, 0.5234567891234, 0.45]);
        await ApiJson.Expect(await fx.Bob.PutAsJsonAsync($"/api/experiments/{run}/tags/label", new { value = "=HYPERLINK(\"http://x\")" }), HttpStatusCode.OK);
        await ApiJson.Expect(await fx.Bob.PutAsJsonAsync($"/api/experiments/{run}/note", new { note = "<b>bold</b> claim" }), HttpStatusCode.OK);
        await ApiJson.Expect(await fx.Bob.PutAsync($"/api/experiments/{run}/artifacts/plots/f1.png", new ByteArrayContent([1, 2, 3])), HttpStatusCode.Created);
        var epochs = await EpochsOf(run);

        var (csvText, csvResponse) = await Download(fx.Vera, $"/api/experiments/{run}/report?format=csv", "text/csv");
        Assert.EndsWith(".csv", csvResponse.Content.Headers.ContentDisposition!.FileName!.Trim('"'));
        Assert.DoesNotContain("<", csvResponse.Content.Headers.ContentDisposition!.FileName!);
        var csv = CsvText.Parse(csvText);
        Assert.Equal(["metric", "step", "value"], csv[0]);
        var points = csv.Skip(1).ToDictionary(r => (r[0], int.Parse(r[1], CultureInfo.InvariantCulture)), r => double.Parse(r[2], CultureInfo.InvariantCulture));
        Assert.Equal(epochs.Count * 4, points.Count);
        foreach (var e in epochs)
        {
            // Exactly the stored doubles, not a rounding of them.
            Assert.Equal(e.TrainLoss, points[("train_loss", e.Epoch)]);
            Assert.Equal(e.ValLoss, points[("val_loss", e.Epoch)]);
            Assert.Equal(e.ValAccuracy, points[("val_accuracy", e.Epoch)]);
            Assert.Equal(e.ValMacroF1, points[("val_macro_f1", e.Epoch)]);
        }

        var (jsonText, _) = await Download(fx.Vera, $"/api/experiments/{run}/report?format=json", "application/json");
        using var json = JsonDocument.Parse(jsonText);
        var root = json.RootElement;
        Assert.Equal("run", root.GetProperty("kind").GetString());
        var facts = root.GetProperty("facts").EnumerateArray().ToDictionary(f => f.GetProperty("label").GetString()!, f => f.GetProperty("value").GetString());
        Assert.Equal(HostileName, facts["name"]);
        Assert.Equal("<b>bold</b> claim", facts["note"]);
        var tables = root.GetProperty("tables").EnumerateArray().ToDictionary(t => t.GetProperty("id").GetString()!);
        var epochRows = tables["epochs"].GetProperty("rows");
        Assert.Equal(0.5234567891234, epochRows[1][4].GetDouble());
        Assert.Equal("=HYPERLINK(\"http://x\")", tables["tags"].GetProperty("rows")[0][1].GetString());
        Assert.Equal("plots/f1.png", tables["artifacts"].GetProperty("rows")[0][0].GetString());
        Assert.Equal(3, tables["artifacts"].GetProperty("rows")[0][1].GetInt64());
        Assert.Equal(["loss", "f1"], root.GetProperty("charts").EnumerateArray().Select(c => c.GetProperty("id").GetString()));

        var (html, _) = await Download(fx.Vera, $"/api/experiments/{run}/report?format=html", "text/html");
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;b&gt;bold&lt;/b&gt; claim", html);
        Assert.Equal(2, CountOf(html, "<svg "));
        Assert.Contains("data-series=\"train loss\"", html);
        Assert.Contains(">0.523457<", html);
    }

    [Fact]
    public async Task A_comparison_of_a_native_and_an_external_run_exports_both_on_the_same_keys()
    {
        var native = await TrackedRuns.NativeAsync(fx.Services, "native, \"quoted\"", "bob", valF1: [0.4, 0.61237]);
        var external = await TrackedRuns.ExternalAsync(fx.Services, "external", "carol",
            new Dictionary<string, double[]> { ["val_macro_f1"] = [0.2, 0.55, 0.7], ["grad_norm"] = [-1.5, 2.25] },
            new Dictionary<string, string> { ["optimizer"] = "-sgd" }, new Dictionary<string, string> { ["team"] = "@vision" });

        var (csvText, _) = await Download(fx.Vera, $"/api/experiments/compare/report?ids={native:N},{external:N}&format=csv", "text/csv");
        var csv = CsvText.Parse(csvText);
        Assert.Equal(["key", $"native, \"quoted\" ({native.ToString("N")[..8]})", $"external ({external.ToString("N")[..8]})", "differs"], csv[0]);
        var rows = csv.Skip(1).ToDictionary(r => r[0]);
        Assert.Equal(["best_val_macro_f1", "0.6124", "", "yes"], rows["best_val_macro_f1"]);
        Assert.Equal(["param.optimizer", "", "'-sgd", "yes"], rows["param.optimizer"]);
        Assert.Equal(["tag.team", "", "'@vision", "yes"], rows["tag.team"]);
        Assert.Equal(2.25, double.Parse(rows["metric.grad_norm"][2], CultureInfo.InvariantCulture));
        Assert.Equal(["source", "native", "mlflow", "yes"], rows["source"]);

        var (jsonText, _) = await Download(fx.Vera, $"/api/experiments/compare/report?ids={native:N},{external:N}&format=json", "application/json");
        using var json = JsonDocument.Parse(jsonText);
        var metrics = json.RootElement.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("id").GetString() == "metrics").GetProperty("rows")
            .EnumerateArray().Select(r => (Run: r[0].GetString(), Key: r[2].GetString(), Step: r[3].GetInt64(), Value: r[4].GetDouble())).ToList();
        Assert.Equal([0.2, 0.55, 0.7], metrics.Where(m => m.Run == external.ToString("N") && m.Key == "val_macro_f1").Select(m => m.Value));
        Assert.Equal([(1L, 0.4), (2L, 0.61237)], metrics.Where(m => m.Run == native.ToString("N") && m.Key == "val_macro_f1").Select(m => (m.Step, m.Value)));
        Assert.Equal([-1.5, 2.25], metrics.Where(m => m.Key == "grad_norm").Select(m => m.Value));
        var charts = json.RootElement.GetProperty("charts").EnumerateArray().Select(c => c.GetProperty("id").GetString()).ToList();
        Assert.Contains("metric-val_macro_f1", charts);
        Assert.Contains("metric-grad_norm", charts);

        var (html, _) = await Download(fx.Vera, $"/api/experiments/compare/report?ids={native:N},{external:N}&format=html", "text/html");
        Assert.Equal(charts.Count, CountOf(html, "<svg "));
        Assert.Contains("data-series=\"external\"", html);
    }

    [Fact]
    public async Task The_architectures_report_has_the_mean_std_and_best_of_the_runs_the_reader_may_see()
    {
        const string arch = "report_test_arch";
        var runs = new[] { 0.6, 0.8, 0.7 };
        var ids = new List<Guid>();
        foreach (var (best, i) in runs.Select((b, i) => (b, i)))
            ids.Add(await TrackedRuns.NativeAsync(fx.Services, $"arch-{i}", "bob", architecture: arch, valF1: [best / 2, best], trainableParameters: 1000 + i));
        await TrackedRuns.NativeAsync(fx.Services, "arch-failed", "bob", architecture: arch, valF1: [0.99], status: ExperimentStatus.Failed, trainableParameters: 500);
        await TrackedRuns.NativeAsync(fx.Services, "arch-private", "bob", architecture: arch, valF1: [0.95], isPrivate: true);

        var (csvText, _) = await Download(fx.Carol, "/api/architectures/report?format=csv", "text/csv");
        var csv = CsvText.Parse(csvText);
        var header = csv[0];
        var row = csv.Single(r => r[0] == arch);
        string Col(string name) => row[header.IndexOf(name)];
        double Num(string name) => double.Parse(Col(name), CultureInfo.InvariantCulture);
        Assert.Equal("no", Col("installed"));
        Assert.Equal(4, Num("runs"));
        Assert.Equal(3, Num("completed_runs"));
        Assert.Equal(0.7, Num("mean_best_val_macro_f1"), 12);
        Assert.Equal(0.1, Num("std_best_val_macro_f1"), 12);
        Assert.Equal(0.8, Num("best_val_macro_f1"));
        Assert.Equal(ids[1].ToString("N"), Col("best_run_id"));
        Assert.Equal(500, Num("trainable_parameters_min"));
        Assert.Equal(1002, Num("trainable_parameters_max"));
        Assert.Contains(csv, r => r[0] == "tiny_test_cnn" && r[1] == "yes");

        // Bob also sees his private run.
        var (bobCsv, _) = await Download(fx.Bob, "/api/architectures/report?format=csv", "text/csv");
        var bobRow = CsvText.Parse(bobCsv).Single(r => r[0] == arch);
        Assert.Equal("4", bobRow[header.IndexOf("completed_runs")]);
        Assert.Equal("0.95", bobRow[header.IndexOf("best_val_macro_f1")]);

        var (html, _) = await Download(fx.Carol, "/api/architectures/report?format=html", "text/html");
        Assert.Contains("class=\"cb-bar-chart\"", html.Replace("cb-svg cb-bar-chart", "cb-bar-chart"));
        Assert.Contains($"data-label=\"{arch}\"", html);
        var results = await ApiJson.Expect(await fx.Carol.GetAsync("/api/architectures/results"), HttpStatusCode.OK);
        Assert.Equal(0.7, results.EnumerateArray().Single(r => r.GetProperty("architecture").GetString() == arch).GetProperty("mean_best_val_macro_f1").GetDouble(), 12);
    }

    [Fact]
    public async Task A_models_benchmarks_export_their_results_and_a_private_model_is_not_found()
    {
        using var folder = new TempFolder("cb-report-bench");
        var checkpoint = File.ReadAllBytes(CheckpointFactory.WriteTinyCnn(fx.Services.GetRequiredService<PluginRegistry>(), folder.Combine("c.pt"), 3));
        var model = "report-bench-" + Guid.NewGuid().ToString("N")[..6];
        var form = new MultipartFormDataContent { { new ByteArrayContent(checkpoint), "file", "c.pt" } };
        await ApiJson.Expect(await fx.Bob.PostAsync($"/api/models/{model}/versions/upload", form), HttpStatusCode.Created);
        var runId = Guid.NewGuid();
        await using (var scope = fx.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
            db.BenchmarkRuns.Add(new BenchmarkRun
            {
                Id = runId,
                ModelName = model,
                DatasetIdentity = "feedbeef",
                DatasetName = "demo, v2",
                Split = "val",
                Device = "cpu",
                CreatedAtUtc = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc),
                Results = [new BenchmarkResult
                {
                    Version = 1, CheckpointSha256 = "ab", LatencyP50Ms = 1.25, LatencyP95Ms = 2.5, ThroughputPerSecond = 812.5,
                    Accuracy = 0.875, MacroF1 = 0.8123456789, PerClassF1Json = "{}", Samples = 48,
                }],
            });
            await db.SaveChangesAsync();
        }

        var (csvText, response) = await Download(fx.Vera, $"/api/models/performance/{model}/report?format=csv", "text/csv");
        Assert.Equal($"benchmarks-{model}.csv", response.Content.Headers.ContentDisposition!.FileName!.Trim('"'));
        var csv = CsvText.Parse(csvText);
        var header = csv[0];
        var row = csv[1];
        Assert.Equal(runId.ToString("N"), row[header.IndexOf("benchmark_run_id")]);
        Assert.Equal("demo, v2", row[header.IndexOf("dataset")]);
        Assert.Equal(0.8123456789, double.Parse(row[header.IndexOf("macro_f1")], CultureInfo.InvariantCulture));
        Assert.Equal(2.5, double.Parse(row[header.IndexOf("latency_p95_ms")], CultureInfo.InvariantCulture));
        var (html, _) = await Download(fx.Vera, $"/api/models/performance/{model}/report?format=html", "text/html");
        Assert.Equal(2, CountOf(html, "<svg "));

        await ApiJson.Expect(await fx.Bob.PutAsJsonAsync($"/api/models/{model}/visibility", new { @private = true }), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NotFound, (await fx.Carol.GetAsync($"/api/models/performance/{model}/report?format=csv")).StatusCode);
    }

    [Fact]
    public async Task An_unknown_format_is_400_naming_the_format()
    {
        var run = await TrackedRuns.NativeAsync(fx.Services, "format", "bob");
        foreach (var url in new[] { $"/api/experiments/{run}/report?format=xlsx", "/api/architectures/report?format=pdf", $"/api/experiments/compare/report?ids={run:N},{run:N}&format=exe" })
        {
            var response = await fx.Vera.GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{url}: {(int)response.StatusCode} {body}");
            Assert.Contains("\"format\"", body);
        }
    }

    [Fact]
    public async Task The_console_downloads_need_a_session_and_refuse_anonymous_readers()
    {
        var run = await TrackedRuns.NativeAsync(fx.Services, "anonymous", "bob");
        using var anonymous = fx.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        anonymous.DefaultRequestHeaders.Authorization = null;

        var response = await anonymous.GetAsync($"/downloads/experiments/{run}/report?format=csv");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location?.PathAndQuery);
        // A token works there too, with the same visibility.
        Assert.Equal(HttpStatusCode.OK, (await fx.Vera.GetAsync($"/downloads/experiments/{run}/report?format=csv")).StatusCode);
        var hidden = await TrackedRuns.NativeAsync(fx.Services, "hidden", "bob", isPrivate: true);
        Assert.Equal(HttpStatusCode.NotFound, (await fx.Carol.GetAsync($"/downloads/experiments/{hidden}/report?format=csv")).StatusCode);
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "").Length) / part.Length;
}
