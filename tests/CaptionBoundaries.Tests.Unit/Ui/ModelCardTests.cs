using Bunit;
using CaptionBoundaries.Application.Features.Benchmarks;
using CaptionBoundaries.Application.Features.Datasets;
using CaptionBoundaries.Application.Features.Registry;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Registry;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Registry;
using CaptionBoundaries.Tests.Support;
using CaptionBoundaries.Ui.Models;
using Radzen.Blazor;

namespace CaptionBoundaries.Tests.Ui;

public sealed class ModelCardTests : IDisposable
{
    private static readonly Guid Experiment = Guid.Parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
    private static readonly DateTime At = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    private readonly UiTestContext _ctx = new();
    private readonly TempFolder _dataset = new("cb-ui-bench");

    public ModelCardTests()
    {
        File.WriteAllText(Path.Combine(_dataset.Path, "manifest.json"), "{}");
        _ctx.Sender
            .On<GetModelRegistryQuery, ModelRegistryRecords>(q => new ModelRegistryRecords(q.Model,
                [Registered(q.Model, 1, "experiment"), Registered(q.Model, 2, "experiment"), Registered(q.Model, 3, "upload")],
                [
                    Change(q.Model, 1, ModelChangeNotice.Register, null, null, "alice", "first cut", 0),
                    Change(q.Model, 2, ModelChangeNotice.Switch, 1, null, "bob", "better on italics", 2),
                    Change(q.Model, 2, ModelChangeNotice.AliasMoved, 1, "production", "bob", "better on italics", 2),
                ]))
            .On<CompareModelVersionsQuery, ModelVersionComparison>(q => new ModelVersionComparison(q.Model,
                q.Versions.Select(v => new ComparedModelVersion(v, $"sha{v}", v < 3 ? Guid.NewGuid() : null, v < 3 ? At : null, v < 3 ? "demo" : null)).ToList(),
                [
                    Row("macro_f1", [0.61, 0.74, null]),
                    Row("accuracy", [0.70, 0.80, null]),
                    Row("latency_p50_ms", [3.0, 4.5, null]),
                    Row("latency_p95_ms", [5.0, 7.5, null]),
                ]))
            // The card's traffic-split panel (its own tests are TrafficSplitPanelTests): no split, nothing served yet.
            .On<GetTrafficSplitQuery, TrafficSplitView>(q => new TrafficSplitView(q.Model, 2, null, "node", [], new Dictionary<string, long>(), At))
            .On<GetMetricHistoryQuery, MetricHistory>(q => new MetricHistory(q.Model, q.Metric,
            [
                new(1, q.Metric == "accuracy" ? 0.70 : 0.61, At, null),
                new(2, q.Metric == "accuracy" ? 0.80 : 0.74, At, null),
                new(3, null, At, null),
            ]));
    }

    private static ModelInfo Model(params int[] versions) => new("captioner",
        versions.Select(v => new ModelVersionInfo(v, $"/registry/{v}.pt", $"sha{v}000000000000", "tiny_cnn", v < 3 ? Experiment : null, 0.5 + v / 10.0, At.AddHours(v))).ToList(),
        2, new Dictionary<string, int> { ["production"] = 2 }, [1, 2]);

    private static RegisteredModelVersion Registered(string model, int version, string source) => new()
    {
        ModelName = model,
        Version = version,
        ModelType = "tiny_cnn",
        Source = source,
        CheckpointPath = $"/registry/{version}.pt",
        CheckpointSha256 = $"sha{version}",
        InferenceConfigJson = "{}",
        CreatedBy = "alice",
    };

    private static ModelChange Change(string model, int version, string kind, int? previous, string? alias, string actor, string reason, int hours) => new()
    {
        ModelName = model,
        Kind = kind,
        Version = version,
        PreviousVersion = previous,
        Alias = alias,
        Actor = actor,
        Reason = reason,
        AtUtc = At.AddHours(hours),
        Id = hours * 10 + (alias is null ? 0 : 1),
    };

    private static VersionComparisonRow Row(string key, double?[] numbers) =>
        new(key, numbers.Select(n => n?.ToString() ?? "").ToList(), true, numbers, numbers.Select(n => n - numbers[0]).ToList());

    private IRenderedComponent<ModelCard> Render(ModelInfo model, IReadOnlyList<DatasetSummary>? datasets = null) =>
        _ctx.Render<ModelCard>(p => p.Add(c => c.Model, model).Add(c => c.Datasets, datasets ?? []));

    [Fact]
    public void The_benchmark_charts_plot_each_benchmarked_version_from_the_comparison()
    {
        var card = Render(Model(1, 2, 3));

        var scores = card.FindComponent<BenchmarkScoreChart>().Instance.Benchmarks;
        Assert.Equal([1, 2], scores.Select(b => b.Version));
        Assert.Equal([0.61, 0.74], scores.Select(b => b.MacroF1));
        Assert.Equal([0.70, 0.80], scores.Select(b => b.Accuracy));
        Assert.Equal(2, card.FindComponent<BenchmarkScoreChart>().FindComponents<RadzenColumnSeries<VersionBenchmark>>().Count);
        var latency = card.FindComponent<LatencyChart>().Instance.Benchmarks;
        Assert.Equal([3.0, 4.5], latency.Select(b => b.LatencyP50Ms));
        Assert.Equal([5.0, 7.5], latency.Select(b => b.LatencyP95Ms));
        Assert.Equal([1, 2, 3], _ctx.Sender.SentOf<CompareModelVersionsQuery>().Single().Versions);
        Assert.DoesNotContain("No version has been benchmarked", card.Find("[data-chart=benchmark-scores]").TextContent);
    }

    [Fact]
    public void A_single_version_is_charted_from_its_latest_benchmark_run()
    {
        _ctx.Sender.On<GetModelPerformanceQuery, IReadOnlyList<BenchmarkRunView>>(q =>
        [
            new(Guid.NewGuid(), q.Model, "id", "demo", "validation", At.AddDays(1), "cpu", [new(1, "sha1", 2.0, 3.0, 400, 0.9, 0.88, new Dictionary<string, double>(), 10)]),
            new(Guid.NewGuid(), q.Model, "id", "demo", "validation", At, "cpu", [new(1, "sha1", 9.0, 9.0, 100, 0.5, 0.4, new Dictionary<string, double>(), 10)]),
        ]);

        var card = Render(Model(1));

        var only = Assert.Single(card.FindComponent<BenchmarkScoreChart>().Instance.Benchmarks);
        Assert.Equal((1, 0.88, 0.9, 2.0), (only.Version, only.MacroF1, only.Accuracy, only.LatencyP50Ms));
        Assert.Empty(_ctx.Sender.SentOf<CompareModelVersionsQuery>());
    }

    [Fact]
    public async Task The_metric_history_follows_the_picked_metric_and_skips_versions_without_a_value()
    {
        var card = Render(Model(1, 2, 3));
        var chart = card.FindComponent<MetricHistoryChart>();
        Assert.Equal("macro_f1", _ctx.Sender.SentOf<GetMetricHistoryQuery>().Last().Metric);

        var picker = chart.FindComponent<RadzenDropDown<string>>();
        await card.InvokeAsync(() => picker.Instance.ValueChanged.InvokeAsync("accuracy"));

        Assert.Equal("accuracy", _ctx.Sender.SentOf<GetMetricHistoryQuery>().Last().Metric);
        var points = chart.FindComponent<RadzenLineSeries<MetricHistoryChart.Point>>().Instance.Data!.ToList();
        Assert.Equal(["v1", "v2"], points.Select(p => p.Label));
        Assert.Equal([0.70, 0.80], points.Select(p => p.Value));
    }

    [Fact]
    public void The_change_history_lists_who_what_when_and_why_newest_first()
    {
        var card = Render(Model(1, 2, 3));

        var rows = card.FindAll("[data-table=change-history] tbody tr").Select(r => r.TextContent).ToList();
        Assert.Equal(3, rows.Count);
        Assert.Contains("alias production → v2 (from v1)", rows[0]);
        Assert.Contains("bob", rows[0]);
        Assert.Contains("better on italics", rows[0]);
        Assert.Contains("switch v2 (from v1)", rows[1]);
        Assert.Contains("2026-03-01 12:00:00", rows[2]);
        Assert.Contains("alice", rows[2]);
        Assert.Contains("first cut", rows[2]);
    }

    [Fact]
    public void Each_version_links_to_the_experiment_it_came_from_and_says_where_it_came_from()
    {
        var card = Render(Model(1, 2, 3));

        Assert.Equal($"experiments/{Experiment}", card.Find("tr[data-version='1'] a.lineage").GetAttribute("href"));
        Assert.Contains("upload", card.Find("tr[data-version='3']").TextContent);
        Assert.Empty(card.FindAll("tr[data-version='3'] a.lineage"));
        // The served and the aliased version cannot be archived; the button says so before any request.
        Assert.True(card.Find("tr[data-version='2'] .archive-version").HasAttribute("disabled"));
        Assert.False(card.Find("tr[data-version='1'] .archive-version").HasAttribute("disabled"));
    }

    [Fact]
    public void Running_a_benchmark_without_a_dataset_is_refused_at_the_field_and_sends_nothing()
    {
        var card = Render(Model(1, 2, 3));

        card.Find(".run-benchmark").Click();

        Assert.Contains("'dataset_folder' must not be empty", card.Find(".field-error[data-field=dataset_folder]").TextContent);
        Assert.Empty(card.FindAll(".cb-error"));
        Assert.Empty(_ctx.Sender.SentOf<RunBenchmarkCommand>());
    }

    [Fact]
    public void A_folder_that_is_not_a_dataset_is_named_under_the_dataset_field()
    {
        var card = Render(Model(1, 2, 3), [new DatasetSummary("gone", Path.Combine(_dataset.Path, "missing"), 1, 96, 64, [], [], null)]);

        card.Find(".run-benchmark").Click();

        Assert.Contains("is not a dataset folder (no manifest.json in it)", card.Find(".field-error[data-field=dataset_folder]").TextContent);
        Assert.Empty(_ctx.Sender.SentOf<RunBenchmarkCommand>());
    }

    [Fact]
    public async Task A_valid_benchmark_is_sent_with_the_ticked_versions_and_the_charts_are_read_again()
    {
        _ctx.Sender.On<RunBenchmarkCommand, BenchmarkRunView>(c => new BenchmarkRunView(Guid.NewGuid(), c.Model, "id", "demo", c.Split, At, "cpu",
            c.Versions.Select(v => new BenchmarkResultView(v, $"sha{v}", 1, 2, 3, 0.5, 0.5, new Dictionary<string, double>(), 4)).ToList()));
        var card = Render(Model(1, 2, 3), [new DatasetSummary("demo", _dataset.Path, 1, 96, 64, [], [], null)]);
        var comparisons = _ctx.Sender.SentOf<CompareModelVersionsQuery>().Count();

        var v2 = card.FindComponents<RadzenCheckBox<bool>>().Single(b => b.Instance.Name == "benchmark-v2");
        await card.InvokeAsync(() => v2.Instance.ValueChanged.InvokeAsync(true));
        card.Find(".run-benchmark").Click();

        var sent = Assert.Single(_ctx.Sender.SentOf<RunBenchmarkCommand>());
        Assert.Equal(("captioner", _dataset.Path, DatasetSplit.Validation), (sent.Model, sent.DatasetFolder, sent.Split));
        Assert.Equal([2], sent.Versions);
        Assert.Contains("Benchmarked v2 on demo", card.Find(".benchmark-done").TextContent);
        Assert.Equal(comparisons + 1, _ctx.Sender.SentOf<CompareModelVersionsQuery>().Count());
        Assert.Empty(card.FindAll(".field-error"));
        Assert.Empty(card.FindAll(".cb-error"));
    }

    public void Dispose()
    {
        _ctx.Dispose();
        _dataset.Dispose();
    }
}
