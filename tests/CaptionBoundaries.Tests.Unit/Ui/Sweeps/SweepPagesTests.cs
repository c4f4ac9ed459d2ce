using Bunit;
using CaptionBoundaries.Application.Features.Datasets;
using CaptionBoundaries.Application.Features.Registry;
using CaptionBoundaries.Application.Features.Sweeps;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Tests.Support;
using CaptionBoundaries.Ui.Pages;
using CaptionBoundaries.Ui.Services;
using CaptionBoundaries.Ui.Sweeps;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Radzen.Blazor;

namespace CaptionBoundaries.Tests.Ui.Sweeps;

/// <summary>The sweeps list, its start form and a sweep's page, against a fake sender answering with the real view code.</summary>
public sealed class SweepPagesTests : IDisposable
{
    private const string Grid = """
        name: grid-lr
        method: grid
        metric: { name: val_macro_f1, goal: maximize }
        parameters:
          lr: { values: [0.003, 0.03] }
          width: { values: [4, 8] }
        """;

    private static readonly Guid RunningId = Guid.Parse("11111111-1111-1111-1111-111111111111");
    private static readonly Guid DoneId = Guid.Parse("22222222-2222-2222-2222-222222222222");

    private readonly UiTestContext _ctx = new();
    private readonly TempFolder _dataset = new("cb-ui-sweep");

    public SweepPagesTests()
    {
        File.WriteAllText(Path.Combine(_dataset.Path, "manifest.json"), "{}");
        _ctx.Sender
            .On<ListModelsQuery, ModelCatalog>(_ => UiTestContext.Catalog)
            .On<ListDatasetsQuery, IReadOnlyList<DatasetSummary>>(_ => [Dataset()]);
    }

    private DatasetSummary Dataset() => new("demo", _dataset.Path, 10, 96, 64, [1, 1, 1, 1, 1], [1, 1, 1, 1, 1], null);

    private static TrialInfo Trial(int number, string lr, string width, TrialStatus status, double? metric, string? reason = null) =>
        new(number, Guid.NewGuid(), new Dictionary<string, string> { ["lr"] = lr, ["width"] = width }, status, metric is null ? 0 : 2, metric, reason);

    private static SweepInfo Sweep(Guid id, string name, SweepPhase phase, int? best, params TrialInfo[] trials) =>
        new(id, name, "grid", "val_macro_f1", "maximize", phase, null, trials, best, Grid.Replace("grid-lr", name));

    private static SweepInfo Finished() => Sweep(DoneId, "grid-done", SweepPhase.Completed, 2,
        Trial(1, "0.003", "4", TrialStatus.Completed, 0.6),
        Trial(2, "0.003", "8", TrialStatus.Completed, 0.9),
        Trial(3, "0.03", "4", TrialStatus.Stopped, 0.5, "asha: 0.5 is below the rung's top third"),
        Trial(4, "0.03", "8", TrialStatus.Failed, null, "out of memory"));

    // ---- the list ----

    [Fact]
    public void The_list_shows_each_sweep_with_its_method_state_progress_and_best_metric()
    {
        var running = Sweep(RunningId, "grid-running", SweepPhase.Running, null, Trial(1, "0.003", "4", TrialStatus.Running, null));
        _ctx.Sender.On<ListSweepsQuery, IReadOnlyList<SweepSummary>>(_ => [SweepViews.Summarize(running), SweepViews.Summarize(Finished())]);

        var page = _ctx.Render<SweepsPage>();

        var rows = page.FindAll("#sweeps tbody tr");
        Assert.Equal(2, rows.Count);
        Assert.Equal("grid-running", rows[0].QuerySelector("a")!.TextContent);
        Assert.Equal($"sweeps/{RunningId}", rows[0].QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("Running", rows[0].QuerySelector(".sweep-phase")!.TextContent);
        Assert.Equal("0 / 4", rows[0].QuerySelector(".sweep-trials")!.TextContent.Trim());
        Assert.Contains("val_macro_f1 –", rows[0].QuerySelector(".sweep-best")!.TextContent);
        Assert.Equal("grid", rows[1].Children[1].TextContent);
        Assert.Equal("4 / 4", rows[1].QuerySelector(".sweep-trials")!.TextContent.Trim());
        Assert.Contains("val_macro_f1 0.9", rows[1].QuerySelector(".sweep-best")!.TextContent);
        Assert.Contains("(trial 2)", rows[1].QuerySelector(".sweep-best")!.TextContent);
        // Only what the phase allows: a running sweep can be paused or cancelled, a completed one nothing.
        Assert.False(rows[0].QuerySelector(".sweep-pause")!.HasAttribute("disabled"));
        Assert.True(rows[0].QuerySelector(".sweep-resume")!.HasAttribute("disabled"));
        Assert.False(rows[0].QuerySelector(".sweep-cancel")!.HasAttribute("disabled"));
        Assert.True(rows[1].QuerySelector(".sweep-pause")!.HasAttribute("disabled"));
        Assert.True(rows[1].QuerySelector(".sweep-cancel")!.HasAttribute("disabled"));
    }

    [Fact]
    public void Pause_resume_and_cancel_send_their_command_and_the_row_shows_the_new_state()
    {
        var phase = SweepPhase.Running;
        SweepInfo Current() => Sweep(RunningId, "grid-running", phase, null, Trial(1, "0.003", "4", TrialStatus.Running, null));
        _ctx.Sender
            .On<ListSweepsQuery, IReadOnlyList<SweepSummary>>(_ => [SweepViews.Summarize(Current())])
            .On<PauseSweepCommand, SweepInfo>(_ => Current() with { Phase = phase = SweepPhase.Paused })
            .On<ResumeSweepCommand, SweepInfo>(_ => Current() with { Phase = phase = SweepPhase.Running })
            .On<CancelSweepCommand, SweepInfo>(_ => Current() with { Phase = phase = SweepPhase.Cancelled });
        var page = _ctx.Render<SweepsPage>();

        page.Find("#sweeps .sweep-pause").Click();
        Assert.Equal(RunningId, Assert.Single(_ctx.Sender.SentOf<PauseSweepCommand>()).SweepId);
        page.WaitForAssertion(() => Assert.Equal("Paused", page.Find("#sweeps .sweep-phase").TextContent));
        Assert.False(page.Find("#sweeps .sweep-resume").HasAttribute("disabled"));

        page.Find("#sweeps .sweep-resume").Click();
        page.WaitForAssertion(() => Assert.Equal("Running", page.Find("#sweeps .sweep-phase").TextContent));

        page.Find("#sweeps .sweep-cancel").Click();
        page.WaitForAssertion(() => Assert.Equal("Cancelled", page.Find("#sweeps .sweep-phase").TextContent));
        Assert.Single(_ctx.Sender.SentOf<CancelSweepCommand>());
        Assert.True(page.Find("#sweeps .sweep-cancel").HasAttribute("disabled"));
    }

    [Fact]
    public void With_no_sweep_yet_the_page_says_so_and_offers_the_start_form()
    {
        _ctx.Sender.On<ListSweepsQuery, IReadOnlyList<SweepSummary>>(_ => []);

        var page = _ctx.Render<SweepsPage>();

        Assert.Contains("No sweep has been started yet", page.Markup);
        Assert.NotNull(page.Find("form#start-sweep textarea[name=definition]"));
    }

    [Fact]
    public void A_viewer_gets_no_start_form_so_no_definition_of_theirs_reaches_the_parser()
    {
        // Issue 15: the form used to call the definition validator for any signed-in account; now it is shown, like
        // the API's StartSweepCommand allows, to researchers and admins only.
        _ctx.AddAuthorization().SetAuthorized("vera").SetRoles(CaptionBoundaries.Domain.Security.Roles.Viewer);
        _ctx.Sender.On<ListSweepsQuery, IReadOnlyList<SweepSummary>>(_ => []);

        var page = _ctx.Render<SweepsPage>();

        Assert.Empty(page.FindAll("form#start-sweep"));
        Assert.Contains("Starting a sweep needs the researcher role", page.Markup);
    }

    // ---- the start form ----

    private IRenderedComponent<StartSweepForm> RenderForm() =>
        _ctx.Render<StartSweepForm>(p => p.Add(f => f.Catalog, UiTestContext.Catalog).Add(f => f.Datasets, [Dataset()]));

    private static List<(string Path, string Text)> DefinitionErrors(IRenderedComponent<StartSweepForm> form) =>
        form.FindAll(".field-error[data-field=definition]").Select(e => (e.GetAttribute("data-path")!, e.TextContent.Trim())).ToList();

    [Fact]
    public void Definition_problems_appear_under_the_definition_each_at_its_path_and_nothing_is_sent()
    {
        var form = RenderForm();

        form.Find("textarea[name=definition]").Change("""
            name: bad
            method: gird
            metric: { name: val_macro_f1, goal: maximize }
            parameters:
              lr: { distribution: uniform, min: 1, max: 0.5 }
            """);

        var errors = DefinitionErrors(form);
        Assert.Contains(errors, e => e.Path == "method" && e.Text.Contains("must be one of grid, random, bayes (got 'gird')"));
        Assert.Contains(errors, e => e.Path == "parameters.lr.min" && e.Text.Contains("must be < max (1 >= 0.5)"));
        // The path is shown once, as its own label, not repeated in the message.
        Assert.Equal("parameters.lr.min", form.Find(".field-error[data-path='parameters.lr.min'] code").TextContent);

        form.Find("form#start-sweep").Submit();
        Assert.Empty(_ctx.Sender.SentOf<StartSweepCommand>());
        Assert.Empty(form.FindAll("#start-sweep-result"));
    }

    [Fact]
    public void A_problem_only_the_handler_finds_is_shown_at_its_path_too()
    {
        _ctx.Sender.On<StartSweepCommand, SweepInfo>(_ => throw new ValidationException(
            [new ValidationFailure("definition.parameters.widht", "'widht' is neither a training setting nor a model config key of 'tiny_cnn' (width, dropout)")]));
        var form = RenderForm();
        form.Find("textarea[name=definition]").Change(Grid.Replace("width:", "widht:"));
        Assert.Empty(DefinitionErrors(form));

        form.Find("form#start-sweep").Submit();

        var error = Assert.Single(DefinitionErrors(form));
        Assert.Equal("parameters.widht", error.Path);
        Assert.Contains("model config key of 'tiny_cnn' (width, dropout)", error.Text);
    }

    [Fact]
    public void A_valid_definition_starts_the_sweep_with_the_base_settings_and_links_to_it()
    {
        var id = Guid.NewGuid();
        _ctx.Sender.On<StartSweepCommand, SweepInfo>(c => Sweep(id, "grid-lr", SweepPhase.Running, null, Trial(1, "0.003", "4", TrialStatus.Queued, null)));
        var form = RenderForm();
        form.Find("textarea[name=definition]").Change(Grid);
        form.Find("[data-field=epochs] input").Change("2");
        form.Find("[data-field=image_size] input").Change("32");

        form.Find("form#start-sweep").Submit();

        var sent = Assert.Single(_ctx.Sender.SentOf<StartSweepCommand>());
        Assert.Equal((Grid, "tiny_cnn", _dataset.Path, 2, 32), (sent.Definition, sent.Base.Architecture, sent.Base.DatasetFolder, sent.Base.Epochs, sent.Base.ImageHeight));
        form.WaitForAssertion(() => Assert.Equal($"sweeps/{id}", form.Find("#start-sweep-result a").GetAttribute("href")));
        Assert.Contains("1 trial(s) launched", form.Find("#start-sweep-result").TextContent);
    }

    // ---- a sweep's page ----

    private IRenderedComponent<SweepDetailPage> RenderDetail(Guid id) => _ctx.Render<SweepDetailPage>(p => p.Add(d => d.Id, id.ToString()));

    [Fact]
    public void The_sweep_page_lists_every_trial_with_its_parameters_metric_and_stop_reason_the_best_highlighted()
    {
        var finished = Finished();
        _ctx.Sender.On<GetSweepDetailQuery, SweepDetail>(_ => SweepViews.Detail(finished));

        var page = RenderDetail(DoneId);

        Assert.Equal("Sweep grid-done", page.Find("h1").TextContent);
        Assert.Equal("Completed", page.Find("#sweep-phase").TextContent);
        Assert.Equal("4 / 4", page.Find("#sweep-trials").TextContent.Trim());
        Assert.Equal("0.9 (trial 2)", page.Find("#sweep-best").TextContent);
        Assert.Equal(["lr", "width"], page.FindAll("#trials thead th[data-parameter]").Select(h => h.TextContent));
        var rows = page.FindAll("#trials tbody tr");
        Assert.Equal(["1", "2", "3", "4"], rows.Select(r => r.GetAttribute("data-trial")));
        Assert.Equal("2", Assert.Single(page.FindAll("#trials tr.cb-best")).GetAttribute("data-trial"));
        Assert.Equal($"experiments/{finished.Trials[1].ExperimentId:N}", rows[1].QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("grid-done-trial-2", rows[1].QuerySelector("a")!.TextContent);
        Assert.Equal(["0.003", "8"], rows[1].QuerySelectorAll("td[data-parameter]").Select(c => c.TextContent));
        Assert.Equal("0.9", rows[1].QuerySelector(".trial-metric")!.TextContent);
        Assert.Equal("Stopped", rows[2].QuerySelector(".trial-status")!.TextContent);
        Assert.Equal("asha: 0.5 is below the rung's top third", rows[2].QuerySelector(".trial-reason")!.TextContent);
        Assert.Equal("–", rows[3].QuerySelector(".trial-metric")!.TextContent);
        Assert.Equal("out of memory", rows[3].QuerySelector(".trial-reason")!.TextContent);
        Assert.Empty(page.FindAll("[data-refreshing]"));
    }

    [Fact]
    public async Task The_charts_draw_one_line_and_one_marker_per_trial_with_a_metric_and_the_scatter_follows_the_chosen_parameter()
    {
        _ctx.Sender.On<GetSweepDetailQuery, SweepDetail>(_ => SweepViews.Detail(Finished()));

        var page = RenderDetail(DoneId);

        Assert.Equal(["lr", "width", "val_macro_f1"], page.FindAll("[data-chart=parallel-coordinates] .cb-pc-axis").Select(a => a.GetAttribute("data-axis")));
        Assert.All(page.FindAll("[data-chart=parallel-coordinates] .cb-pc-axis").Take(2), a => Assert.Equal("categorical", a.GetAttribute("data-scale")));
        var lines = page.FindAll("[data-chart=parallel-coordinates] polyline");
        Assert.Equal(["3", "1", "2"], lines.Select(l => l.GetAttribute("data-trial")));
        Assert.Equal("2", Assert.Single(page.FindAll("polyline.best")).GetAttribute("data-trial"));
        Assert.Contains("1 trial(s) without a metric yet are not drawn", page.Find("[data-chart=parallel-coordinates]").TextContent);

        Assert.Equal("lr", page.Find("svg.cb-scatter").GetAttribute("data-parameter"));
        Assert.Equal(3, page.FindAll("svg.cb-scatter circle").Count);
        var picker = page.FindComponent<MetricScatterChart>().FindComponent<RadzenDropDown<string>>();
        await page.InvokeAsync(() => picker.Instance.ValueChanged.InvokeAsync("width"));
        Assert.Equal("width", page.Find("svg.cb-scatter").GetAttribute("data-parameter"));
        // The categories along x, under the plot (x ticks are centred, metric ticks right-aligned at the left).
        Assert.Equal(["4", "8"], page.FindAll("svg.cb-scatter .cb-tick[text-anchor=middle]").Select(t => t.TextContent));
    }

    [Fact]
    public void Register_best_trial_sends_the_sweep_and_model_name_and_shows_the_registered_version()
    {
        _ctx.Sender
            .On<GetSweepDetailQuery, SweepDetail>(_ => SweepViews.Detail(Finished()))
            .On<RegisterBestTrialCommand, ModelVersionInfo>(c =>
                new ModelVersionInfo(3, "/data/best.pt", "abcdef0123456789", "tiny_cnn", Guid.NewGuid(), 0.9, DateTime.UtcNow));
        var page = RenderDetail(DoneId);
        Assert.Equal("Register best trial (#2)", page.Find("#register-best-submit").TextContent.Trim());

        page.Find("input[name=register-best-model]").Change("sweep-best");
        page.Find("#register-best-submit").Click();

        var sent = Assert.Single(_ctx.Sender.SentOf<RegisterBestTrialCommand>());
        Assert.Equal((DoneId, "sweep-best"), (sent.SweepId, sent.Model));
        page.WaitForAssertion(() => Assert.Contains("sweep-best version 3", page.Find("#register-best-result").TextContent));
    }

    [Fact]
    public void A_refused_registration_shows_why()
    {
        _ctx.Sender
            .On<GetSweepDetailQuery, SweepDetail>(_ => SweepViews.Detail(Sweep(RunningId, "grid-running", SweepPhase.Running, null)))
            .On<RegisterBestTrialCommand, ModelVersionInfo>(c => throw DomainException.NotFound($"Sweep {c.SweepId} has no finished trial with a val_macro_f1 yet."));
        var page = RenderDetail(RunningId);

        page.Find("input[name=register-best-model]").Change("sweep-best");
        page.Find("#register-best-submit").Click();

        page.WaitForAssertion(() => Assert.Contains("has no finished trial with a val_macro_f1 yet", page.Find(".cb-error").TextContent));
        Assert.Empty(page.FindAll("#register-best-result"));
    }

    [Fact]
    public async Task A_running_sweep_page_refreshes_itself_until_the_sweep_completes_then_stops_asking()
    {
        // The page's refresh loop ticks on this clock, by hand: every tick is seen through, none is waited for.
        var clock = new FakeTimeProvider();
        _ctx.Services.AddSingleton<TimeProvider>(clock);
        var asked = 0;
        _ctx.Sender.On<GetSweepDetailQuery, SweepDetail>(_ =>
        {
            // First one trial running, then two trials with the first done, then the sweep completed.
            var n = Interlocked.Increment(ref asked);
            return SweepViews.Detail(n switch
            {
                1 => Sweep(RunningId, "live", SweepPhase.Running, null, Trial(1, "0.003", "4", TrialStatus.Running, null)),
                2 => Sweep(RunningId, "live", SweepPhase.Running, 1, Trial(1, "0.003", "4", TrialStatus.Completed, 0.7), Trial(2, "0.003", "8", TrialStatus.Running, null)),
                _ => Sweep(RunningId, "live", SweepPhase.Completed, 2, Trial(1, "0.003", "4", TrialStatus.Completed, 0.7), Trial(2, "0.003", "8", TrialStatus.Completed, 0.8)),
            });
        });

        var page = RenderDetail(RunningId);
        Assert.NotNull(page.Find("[data-refreshing=true]"));
        Assert.Single(page.FindAll("#trials tbody tr"));

        await Tick(page, clock);
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("#trials tbody tr").Count));
        Assert.Equal("Running", page.Find("#sweep-phase").TextContent);
        await Tick(page, clock);
        page.WaitForAssertion(() => Assert.Equal("Completed", page.Find("#sweep-phase").TextContent));
        Assert.Equal(2, page.FindAll("polyline").Count);
        Assert.Empty(page.FindAll("[data-refreshing]"));

        var after = Volatile.Read(ref asked);
        Assert.Equal(3, after);
        for (var i = 0; i < 5; i++) await Tick(page, clock);
        Assert.Equal(after, Volatile.Read(ref asked));
    }

    /// <summary>
    /// One refresh interval on the page's clock, seen through: the tick's continuation is posted to the renderer's
    /// dispatcher (where the loop was started), so a no-op queued behind it runs only after the page has handled it.
    /// </summary>
    private async Task Tick(IRenderedComponent<SweepDetailPage> page, FakeTimeProvider clock)
    {
        clock.Advance(_ctx.Services.GetRequiredService<UiOptions>().RefreshInterval);
        await page.InvokeAsync(() => { });
    }

    public void Dispose()
    {
        _ctx.Dispose();
        _dataset.Dispose();
    }
}
