using Bunit;
using CaptionBoundaries.Application.Features.Architectures;
using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Ui.Pages;
using CaptionBoundaries.Ui.Runs;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Ui;

/// <summary>
/// The run page's tags, note, files and logged series, an external run beside native ones, and the architectures
/// results, as the console shows them; every change goes out as the handler's command.
/// </summary>
public sealed class RunRecordsUiTests : IDisposable
{
    private static readonly Guid Run = Guid.Parse("0123456789abcdef0123456789abcdef");
    private readonly UiTestContext _ctx = new();
    private List<RunTagView> _tags = [new("stage", "draft")];

    private static ExperimentDetail External(string owner = "ui-tester") =>
        new(Run, "logged-from-outside", "Completed", "", "", " ", "", "", "", "cpu", "", null, new DateTime(2026, 1, 1), null, null, null, null,
            new Dictionary<string, string>(), new Dictionary<string, string>(), [], [])
        {
            Source = "mlflow",
            Owner = owner,
            Note = "first note",
            Tags = [new RunTagView("stage", "draft")],
            Params = new Dictionary<string, string> { ["optimizer"] = "adam" },
            MetricSeries =
            [
                new MetricSeriesDetail("val_loss", [new MetricPoint(0, 0.9, 0), new MetricPoint(10, 0.7, 0), new MetricPoint(20, 0.5, 0)], 3),
                new MetricSeriesDetail("lr", [new MetricPoint(0, 0.1, 0), new MetricPoint(5, 0.05, 0)], 9),
            ],
        };

    public RunRecordsUiTests()
    {
        _ctx.Sender
            .On<ListRunArtifactsQuery, RunArtifactListing>(_ => new RunArtifactListing("", [new ArtifactEntry("plots/loss curve.png", false, 2048, new string('c', 64))]))
            .On<SetRunTagCommand, IReadOnlyList<RunTagView>>(c =>
            {
                _tags = [.. _tags.Where(t => t.Key != c.Key), new RunTagView(c.Key, c.Value)];
                return _tags;
            })
            .On<DeleteRunTagCommand, IReadOnlyList<RunTagView>>(c =>
            {
                _tags = _tags.Where(t => t.Key != c.Key).ToList();
                return _tags;
            })
            .On<SetRunNoteCommand, RunNote>(c => new RunNote(c.ExperimentId, c.Note.Length == 0 ? null : c.Note));
    }

    private IRenderedComponent<ExperimentDetailPage> RenderRun(ExperimentDetail detail)
    {
        _ctx.Sender.On<GetExperimentDetailQuery, ExperimentDetail>(_ => detail)
            .On<GetExperimentQuery, CaptionBoundaries.Grains.Abstractions.ExperimentInfo>(_ => throw new InvalidOperationException("no grain"));
        return _ctx.Render<ExperimentDetailPage>(p => p.Add(x => x.Id, Run.ToString("N")));
    }

    [Fact]
    public void An_external_run_shows_its_source_params_and_one_step_chart_per_metric_instead_of_epoch_curves()
    {
        var page = RenderRun(External());

        Assert.Equal("mlflow", page.Find("#run-source").TextContent);
        Assert.Empty(page.FindAll("[data-chart=loss]"));
        Assert.Empty(page.FindAll("#checkpoints"));
        Assert.Equal(["metric-val_loss", "metric-lr"], page.FindAll("#metric-series .cb-chart").Select(c => c.GetAttribute("data-chart")));
        Assert.Equal(["0", "5", "10", "15", "20"], page.FindAll("[data-chart=metric-val_loss] .cb-x-tick").Select(t => t.TextContent));
        Assert.Contains("2 of 9 points shown", page.Find("[data-chart=metric-lr] h3").TextContent);
        Assert.Contains("adam", page.Find("#run-params").TextContent);
        var links = page.FindAll("#run-report a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal([$"downloads/experiments/{Run:N}/report?format=csv", $"downloads/experiments/{Run:N}/report?format=json", $"downloads/experiments/{Run:N}/report?format=html"], links);
    }

    [Fact]
    public void Tags_are_added_and_removed_through_the_commands()
    {
        var page = RenderRun(External());

        page.Find("#tag-form input[name=tag-key]").Change("reviewed");
        page.Find("#tag-form input[name=tag-value]").Change("yes");
        page.Find("#tag-add").Click();

        var set = _ctx.Sender.SentOf<SetRunTagCommand>().Single();
        Assert.Equal((Run, "reviewed", "yes"), (set.ExperimentId, set.Key, set.Value));
        page.WaitForAssertion(() => Assert.Equal(["stage", "reviewed"], page.FindAll("#run-tags .cb-tag").Select(t => t.GetAttribute("data-tag"))));

        page.Find("#run-tags .cb-tag[data-tag=stage] .cb-tag-remove").Click();
        Assert.Equal("stage", _ctx.Sender.SentOf<DeleteRunTagCommand>().Single().Key);
        page.WaitForAssertion(() => Assert.Equal(["reviewed"], page.FindAll("#run-tags .cb-tag").Select(t => t.GetAttribute("data-tag"))));
    }

    [Fact]
    public void The_note_is_saved_through_its_command()
    {
        var page = RenderRun(External());
        Assert.Equal("first note", page.Find("#run-note textarea").GetAttribute("value") ?? page.Find("#run-note textarea").TextContent);

        page.Find("#run-note textarea").Change("learning rate too high");
        page.Find("#run-note-save").Click();

        Assert.Equal("learning rate too high", _ctx.Sender.SentOf<SetRunNoteCommand>().Single().Note);
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("#run-note-saved")));
    }

    [Fact]
    public void Files_are_listed_with_their_size_and_a_download_link_that_escapes_the_path()
    {
        var page = RenderRun(External());

        var row = page.Find("#artifacts tr[data-artifact='plots/loss curve.png']");
        Assert.Equal($"downloads/experiments/{Run:N}/artifacts/plots/loss%20curve.png", row.QuerySelector("a")!.GetAttribute("href"));
        Assert.True(row.QuerySelector("a")!.HasAttribute("download"));
        Assert.Equal("2.0 KB", row.QuerySelector(".cb-artifact-size")!.TextContent);
        Assert.NotEmpty(page.FindAll("#artifact-upload input[type=file]"));
    }

    [Fact]
    public void Someone_elses_run_is_read_only_for_a_researcher()
    {
        _ctx.AddAuthorization().SetAuthorized("ui-tester").SetRoles(CaptionBoundaries.Domain.Security.Roles.Researcher);

        var page = RenderRun(External(owner: "bob"));

        Assert.Empty(page.FindAll("#tag-form"));
        Assert.Empty(page.FindAll("#run-note textarea"));
        Assert.Contains("first note", page.Find("#run-note").TextContent);
        Assert.Empty(page.FindAll("#artifact-upload"));
        Assert.Empty(page.FindAll(".cb-tag-remove"));
        Assert.NotEmpty(page.FindAll("#artifacts a"));
    }

    [Fact]
    public void A_native_and_an_external_run_are_compared_on_a_chosen_metric_key()
    {
        var native = new ComparedExperiment(Guid.NewGuid(), "native", [])
        {
            Series = [new MetricSeriesDetail("val_macro_f1", [new MetricPoint(1, 0.4, 0), new MetricPoint(2, 0.6, 0)], 2)],
        };
        var external = new ComparedExperiment(Guid.NewGuid(), "external", [])
        {
            Source = "mlflow",
            Series = [new MetricSeriesDetail("val_macro_f1", [new MetricPoint(0, 0.2, 0), new MetricPoint(3, 0.7, 0)], 2)],
        };
        _ctx.Sender.On<CompareExperimentsQuery, ExperimentComparison>(_ => new ExperimentComparison([native, external], [new ComparisonRow("source", ["native", "mlflow"], true)])
        {
            MetricKeys = ["val_macro_f1"],
        });

        _ctx.Services.GetRequiredService<NavigationManager>().NavigateTo($"experiments/compare?ids={native.Id:N},{external.Id:N}");
        var page = _ctx.Render<CompareExperimentsPage>();

        var chart = page.Find("[data-chart=compare-val_macro_f1]");
        Assert.Equal(["native", "external"], chart.QuerySelectorAll(".cb-series").Select(s => s.GetAttribute("data-series")));
        Assert.Contains("epoch (native) / step (logged)", chart.InnerHtml);
        Assert.Contains($"downloads/experiments/compare/report?ids={native.Id:N}%2C{external.Id:N}&format=html",
            page.FindAll("#compare-report a").Select(a => a.GetAttribute("href")));
    }

    [Fact]
    public void The_architectures_results_show_mean_std_best_and_bars_with_error_bars()
    {
        _ctx.Sender.On<CompareArchitecturesQuery, IReadOnlyList<ArchitectureResult>>(_ =>
        [
            new ArchitectureResult("tiny_cnn", true, 4, 3, 0.7, 0.1, 0.8, Run, "best-run", 1000, 1002),
            new ArchitectureResult("unused", true, 0, 0, null, null, null, null, null, null, null),
        ]);

        var panel = _ctx.Render<ArchitectureResultsPanel>();

        var row = panel.Find("tr[data-architecture=tiny_cnn]");
        Assert.Equal("0.7000", row.QuerySelector(".mean")!.TextContent);
        Assert.Equal("0.1000", row.QuerySelector(".std")!.TextContent);
        Assert.Equal("0.8000", row.QuerySelector(".best")!.TextContent);
        Assert.Equal("1,000 – 1,002", row.QuerySelector(".trainable")!.TextContent);
        Assert.Single(panel.FindAll("[data-chart=architecture-f1] .cb-bar rect"));
        Assert.Single(panel.FindAll("[data-chart=architecture-f1] .cb-error-bar"));
        Assert.Equal("–", panel.Find("tr[data-architecture=unused] .mean").TextContent);
    }

    [Fact]
    public async Task The_runs_list_shows_owner_duration_tags_and_a_source_badge_and_filters_by_tag_and_name()
    {
        ExperimentSummary Row(string name, string owner, string source, double? seconds, params RunTagView[] tags) =>
            new(Guid.NewGuid(), name, "tiny_cnn", "Completed", "demo", "abcdef0123456789", 0.5, 1, source == "mlflow" ? 0 : 3, new DateTime(2026, 1, 1), null)
            {
                Owner = owner,
                Source = source,
                DurationSeconds = seconds,
                Tags = tags,
            };
        ExperimentSummary[] all =
        [
            Row("native-run", "bob", "native", 3725, new RunTagView("stage", "final")),
            Row("logged-run", "carol", "mlflow", 42, new RunTagView("team", "")),
        ];
        _ctx.Sender
            .On<CaptionBoundaries.Application.Features.Registry.ListModelsQuery, CaptionBoundaries.Application.Features.Registry.ModelCatalog>(_ => UiTestContext.Catalog)
            .On<CaptionBoundaries.Application.Features.Datasets.ListDatasetsQuery, IReadOnlyList<CaptionBoundaries.Application.Features.Datasets.DatasetSummary>>(_ => [])
            .On<ListExperimentsQuery, IReadOnlyList<ExperimentSummary>>(q => all
                .Where(e => q.Tags.All(t => e.Tags.Any(x => x.Key == TagFilter.Parse(t).Key && (TagFilter.Parse(t).Value ?? x.Value) == x.Value)))
                .Where(e => q.NameContains is null || e.Name.Contains(q.NameContains, StringComparison.OrdinalIgnoreCase)).ToList());

        var page = _ctx.Render<Experiments>();

        var rows = page.FindAll(".cb-experiments tbody tr");
        Assert.Contains("bob", rows[0].TextContent);
        Assert.Contains("1h 02m", rows[0].TextContent);
        Assert.Contains("stage=final", rows[0].QuerySelector(".cb-tag-chip")!.TextContent);
        Assert.Empty(rows[0].QuerySelectorAll(".cb-source"));
        Assert.Equal("mlflow", rows[1].QuerySelector(".cb-source")!.TextContent);
        Assert.Contains("42s", rows[1].TextContent);

        var bar = page.FindComponent<CaptionBoundaries.Ui.Experiments.ExperimentFilterBar>();
        await page.InvokeAsync(() => bar.Instance.ValueChanged.InvokeAsync(new CaptionBoundaries.Ui.Experiments.ExperimentFilter(Tag: " stage=final ")));
        Assert.Equal(["stage=final"], _ctx.Sender.SentOf<ListExperimentsQuery>().Last().Tags);
        Assert.Equal(["native-run"], page.FindAll(".cb-experiments tbody tr a").Select(a => a.TextContent.Trim()));

        await page.InvokeAsync(() => bar.Instance.ValueChanged.InvokeAsync(new CaptionBoundaries.Ui.Experiments.ExperimentFilter(Name: "LOGGED")));
        Assert.Equal("LOGGED", _ctx.Sender.SentOf<ListExperimentsQuery>().Last().NameContains);
        Assert.Equal(["logged-run"], page.FindAll(".cb-experiments tbody tr a").Select(a => a.TextContent.Trim()));
    }

    public void Dispose() => _ctx.Dispose();
}
