using Bunit;
using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Application.Features.Explain;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Explain;
using CaptionBoundaries.Ui.Pages;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Ui;

/// <summary>The run page's confusion matrix links each cell to its samples, shown with their Grad-CAM overlays.</summary>
public sealed class ExperimentExplainTests : IDisposable
{
    private static readonly Guid Run = Guid.Parse("5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d");
    private static readonly byte[] Png = new RgbImage(4, 4).EncodePng();
    private static readonly byte[] OverlayPng = new RgbImage(4, 4, Enumerable.Repeat((byte)200, 48).ToArray()).EncodePng();

    private readonly UiTestContext _ctx = new();

    public ExperimentExplainTests()
    {
        // same: 3 right, 1 taken for different; different: 4 right. Nothing else in the matrix.
        int[][] matrix = [[3, 1, 0, 0, 0], [0, 4, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]];
        var epoch = new EpochDetail(1, 1.2, 1.1, 0.875, 0.6, TaskSpec.Classes.ToDictionary(c => c, _ => 0.5),
            matrix.Select(r => (IReadOnlyList<int>)r).ToList(), 3.0);
        var detail = new ExperimentDetail(Run, "explained", "Completed", "tiny_test_cnn", "none", "glyph_profile 1.0.0", "demo",
            new string('a', 64), "/data/datasets/demo", "cpu", "abc", null, new DateTime(2026, 1, 1), null, null, 0.6, 1,
            new Dictionary<string, string>(), new Dictionary<string, string>(), [epoch],
            [new CheckpointDetail("best", 1, "/data/experiments/x/best.pt", new string('b', 64), 1024, 0.6)]);
        var checkpoint = new RunCheckpointInfo("best", 1, new string('b', 64), "tiny_test_cnn", 8);
        _ctx.Sender
            .On<GetExperimentDetailQuery, ExperimentDetail>(_ => detail)
            .On<GetConfusionCellSamplesQuery, ConfusionCellSamples>(q => new ConfusionCellSamples(Run, checkpoint, q.TrueClass, q.PredictedClass,
                q.TrueClass == q.PredictedClass ? 3 : 1, q.Skip,
                Enumerable.Range(0, q.TrueClass == q.PredictedClass ? 3 : 1).Select(i => Sample($"{q.TrueClass}_{i}", q.TrueClass, q.PredictedClass, i)).ToList(),
                ["tiny_test_cnn: 'features' is one feature map over frame1, frame2, ocr_viz stacked as channels, so their Grad-CAM heatmaps are the same map."]))
            .On<ExplainRunSampleQuery, RunSampleExplanation>(q => new RunSampleExplanation(Run, checkpoint,
                Sample($"val_{q.ValidationIndex}", "same", "different", q.ValidationIndex) with { ExplainedClass = q.Target == ExplainTarget.True ? "same" : "different" }, []));
    }

    private static ExplainedSample Sample(string id, string trueClass, string predicted, int index) => new(
        id, DatasetSplit.Validation, index, trueClass, predicted, 0.7, TaskSpec.Classes.ToDictionary(c => c, c => c == predicted ? 0.7 : 0.075), predicted,
        GradCam.ImageInputs.Select(input => new ExplainedMap(input, GradCam.GradCamMethod, "features", GradCam.ImageInputs.Where(i => i != input).ToList(), 1.5,
            Png, OverlayPng, OverlayPng)).ToList());

    private IRenderedComponent<ExperimentDetailPage> RenderPage() => _ctx.Render<ExperimentDetailPage>(p => p.Add(x => x.Id, Run.ToString()));

    [Fact]
    public void Clicking_a_confusion_cell_shows_its_samples_with_their_overlays()
    {
        var page = RenderPage();
        Assert.Empty(page.FindAll("#cell-samples"));
        // Empty cells are not links: there is nothing to show.
        Assert.Empty(page.FindAll("a[data-cell='same/empty_empty']"));
        var link = page.Find("a[data-cell='same/different']");
        Assert.Contains($"experiments/{Run}?true_class=same&predicted_class=different", link.GetAttribute("href"));

        link.Click();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("#cell-samples [data-sample]")));
        var query = Assert.Single(_ctx.Sender.SentOf<GetConfusionCellSamplesQuery>());
        Assert.Equal((Run.ToString(), "same", "different"), (query.ExperimentId, query.TrueClass, query.PredictedClass));
        var shown = page.Find("#cell-samples [data-sample]");
        Assert.Equal("same_0", shown.GetAttribute("data-sample"));
        Assert.Equal("different", shown.QuerySelector("[data-field=predicted]")!.TextContent);
        // Each of the three inputs beside its Grad-CAM overlay.
        var figures = shown.QuerySelectorAll("figure[data-method=grad_cam]");
        Assert.Equal(GradCam.ImageInputs, figures.Select(f => f.GetAttribute("data-input")));
        foreach (var figure in figures)
        {
            var images = figure.QuerySelectorAll("img").Select(i => i.GetAttribute("src")).ToList();
            Assert.Equal([$"data:image/png;base64,{Convert.ToBase64String(Png)}", $"data:image/png;base64,{Convert.ToBase64String(OverlayPng)}"], images);
            Assert.Contains("shared map", figure.TextContent);
        }
        Assert.Contains("same map", page.Find("#cell-samples").TextContent);
        Assert.Contains("cb-selected", page.Find("a[data-cell='same/different']").ParentElement!.ClassName);

        // Another cell replaces the list; closing hides it.
        page.Find("a[data-cell='different/different']").Click();
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("#cell-samples [data-sample]").Count));
        page.Find("#cell-samples-close").Click();
        Assert.Empty(page.FindAll("#cell-samples"));
    }

    [Fact]
    public void The_cell_link_opens_the_page_on_that_cell()
    {
        var href = RenderPage().Find("a[data-cell='same/different']").GetAttribute("href")!;
        _ctx.Services.GetRequiredService<NavigationManager>().NavigateTo(href);

        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("#cell-samples [data-sample]")));
        Assert.Equal("same/different", page.Find("#cell-samples").GetAttribute("data-cell"));
    }

    [Fact]
    public void A_picked_validation_sample_is_shown_with_its_prediction_and_overlays()
    {
        var page = RenderPage();

        page.Find("#explain-submit").Click();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("#explain-sample [data-sample]")));
        var shown = page.Find("#explain-sample [data-sample]");
        Assert.Equal("val_0", shown.GetAttribute("data-sample"));
        Assert.Equal("different", shown.QuerySelector("[data-field=predicted]")!.TextContent);
        Assert.Equal(3, shown.QuerySelectorAll("img.cb-overlay").Length);
        Assert.Equal(ExplainTarget.Predicted, Assert.Single(_ctx.Sender.SentOf<ExplainRunSampleQuery>()).Target);
    }

    public void Dispose() => _ctx.Dispose();
}
