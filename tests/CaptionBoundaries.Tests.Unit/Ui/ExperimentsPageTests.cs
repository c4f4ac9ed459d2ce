using Bunit;
using CaptionBoundaries.Application.Features.Datasets;
using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Application.Features.Registry;
using CaptionBoundaries.Ui.Experiments;
using ExperimentsPage = CaptionBoundaries.Ui.Pages.Experiments;

namespace CaptionBoundaries.Tests.Ui;

public sealed class ExperimentsPageTests : IDisposable
{
    private static readonly ExperimentSummary[] All =
    [
        Row("lora-r8", "channel_fusion_lora_resnet50", "Completed", "demo", 0.71, createdHour: 1),
        Row("shared", "shared_backbone_resnet50", "Completed", "demo", 0.83, createdHour: 2),
        Row("tiny", "tiny_cnn", "Failed", "other", null, createdHour: 3),
        Row("triple", "triple_backbone_resnet50", "Running", "demo", 0.42, createdHour: 4),
    ];

    private readonly UiTestContext _ctx = new();

    public ExperimentsPageTests()
    {
        // The fake applies the filters the way ListExperimentsHandler does, so the page shows what the query selects.
        _ctx.Sender
            .On<ListModelsQuery, ModelCatalog>(_ => UiTestContext.Catalog)
            .On<ListDatasetsQuery, IReadOnlyList<DatasetSummary>>(_ => [])
            .On<ListExperimentsQuery, IReadOnlyList<ExperimentSummary>>(q => All
                .Where(e => q.Architecture is null || e.ArchitectureName == q.Architecture)
                .Where(e => q.Status is null || e.Status == q.Status)
                .Where(e => q.Dataset is null || e.DatasetName == q.Dataset)
                .OrderByDescending(e => q.SortBy == "created" ? e.CreatedAtUtc.Ticks : (e.BestValMacroF1 ?? -1) * 1e6)
                .ToList());
    }

    private static ExperimentSummary Row(string name, string architecture, string status, string dataset, double? f1, int createdHour) =>
        new(Guid.NewGuid(), name, architecture, status, dataset, "abcdef0123456789", f1, f1 is null ? null : 3, 5,
            new DateTime(2026, 1, 1).AddHours(createdHour), status == "Failed" ? "out of memory" : null);

    private static IReadOnlyList<string> Names(IRenderedComponent<ExperimentsPage> page) =>
        page.FindAll(".cb-experiments tbody tr a").Select(a => a.TextContent.Trim()).ToList();

    [Fact]
    public void Experiments_are_listed_best_F1_first()
    {
        var page = _ctx.Render<ExperimentsPage>();

        Assert.Equal(["shared", "lora-r8", "triple", "tiny"], Names(page));
        Assert.Equal("best_f1", _ctx.Sender.SentOf<ListExperimentsQuery>().First().SortBy);
    }

    [Fact]
    public async Task Filtering_by_architecture_and_status_queries_again_and_shows_only_matching_runs()
    {
        var page = _ctx.Render<ExperimentsPage>();
        var bar = page.FindComponent<ExperimentFilterBar>();

        await page.InvokeAsync(() => bar.Instance.ValueChanged.InvokeAsync(new ExperimentFilter(Status: "Completed")));
        Assert.Equal(["shared", "lora-r8"], Names(page));

        await page.InvokeAsync(() => bar.Instance.ValueChanged.InvokeAsync(new ExperimentFilter(Architecture: "tiny_cnn")));
        Assert.Equal(["tiny"], Names(page));

        var last = _ctx.Sender.SentOf<ListExperimentsQuery>().Last();
        Assert.Equal("tiny_cnn", last.Architecture);
        Assert.Null(last.Status);
    }

    [Fact]
    public async Task Sorting_by_creation_time_reorders_the_table()
    {
        var page = _ctx.Render<ExperimentsPage>();
        var bar = page.FindComponent<ExperimentFilterBar>();

        await page.InvokeAsync(() => bar.Instance.ValueChanged.InvokeAsync(new ExperimentFilter(SortBy: "created")));

        Assert.Equal(["triple", "tiny", "shared", "lora-r8"], Names(page));
    }

    [Fact]
    public void Clicking_the_best_F1_header_sorts_the_grid_by_it()
    {
        var page = _ctx.Render<ExperimentsPage>();
        var header = page.FindAll(".cb-experiments th").First(th => th.TextContent.Contains("Best F1"));

        header.QuerySelector(".rz-sortable-column, .rz-column-title, span")!.ParentElement!.Click();

        // First click sorts ascending: runs without an F1 first, best last.
        page.WaitForAssertion(() => Assert.Equal(["tiny", "triple", "lora-r8", "shared"], Names(page)));
    }

    public void Dispose() => _ctx.Dispose();
}
