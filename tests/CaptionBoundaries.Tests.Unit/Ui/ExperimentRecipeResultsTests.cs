using Bunit;
using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Ui.Pages;

namespace CaptionBoundaries.Tests.Ui;

/// <summary>The run page draws the per-step train loss, shows the test split apart from validation, and says why a run stopped early.</summary>
public sealed class ExperimentRecipeResultsTests : IDisposable
{
    private static readonly Guid Run = Guid.Parse("6b7c8d9e-0f1a-4b2c-8d3e-4f5a6b7c8d9e");
    private readonly UiTestContext _ctx = new();

    private static ExperimentDetail Detail(bool recipeResults)
    {
        int[][] matrix = [[2, 0, 0, 0, 0], [0, 2, 0, 0, 0], [0, 0, 2, 0, 0], [0, 0, 0, 2, 0], [0, 0, 0, 0, 2]];
        var epochs = Enumerable.Range(1, 3).Select(e => new EpochDetail(e, 1.0 / e, 1.1 / e, 0.5, 0.4, TaskSpec.Classes.ToDictionary(c => c, _ => 0.4),
            matrix.Select(r => (IReadOnlyList<int>)r).ToList(), 1.0)).ToList();
        return new ExperimentDetail(Run, "recipe-run", "Completed", "tiny_test_cnn", "none", "glyph_profile 1.0.0", "demo",
            new string('a', 64), "/data/datasets/demo", "cpu", "abc", null, new DateTime(2026, 1, 1), null, null, 0.4, 1,
            new Dictionary<string, string>(), new Dictionary<string, string> { ["epochs"] = "10", ["lr_schedule"] = "cosine" }, epochs, [])
        {
            TrainLossSteps = recipeResults ? [new StepPoint(10, 1.5, 1), new StepPoint(20, 1.2, 2), new StepPoint(30, 0.9, 3)] : [],
            Test = recipeResults
                ? new TestSplitResult(0.8, 0.7, 0.6543, TaskSpec.Classes.ToDictionary(c => c, _ => 0.6543), matrix.Select(r => (IReadOnlyList<int>)r).ToList())
                : null,
            StoppedEarly = recipeResults ? "stopped early after epoch 3: val macro-F1 did not improve by more than 0 for 2 epochs (best 0.4000 at epoch 1)" : null,
        };
    }

    [Fact]
    public void Step_losses_test_results_and_the_early_stop_are_shown_apart_from_validation()
    {
        _ctx.Sender.On<GetExperimentDetailQuery, ExperimentDetail>(_ => Detail(recipeResults: true));
        var page = _ctx.Render<ExperimentDetailPage>(p => p.Add(x => x.Id, Run.ToString()));

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-chart=loss-steps]")));
        Assert.Contains("Train loss per step", page.Find("[data-chart=loss-steps]").TextContent);
        Assert.Contains("0.6543", page.Find("#test-macro-f1").TextContent);
        Assert.Equal(TaskSpec.ClassCount, page.FindAll("#test-per-class tbody tr").Count);
        Assert.Contains("stopped early after epoch 3", page.Find("#stopped-early").TextContent);
        Assert.Contains("cosine", page.Find("#settings").TextContent);
    }

    [Fact]
    public void A_run_without_them_shows_none_of_them()
    {
        _ctx.Sender.On<GetExperimentDetailQuery, ExperimentDetail>(_ => Detail(recipeResults: false));
        var page = _ctx.Render<ExperimentDetailPage>(p => p.Add(x => x.Id, Run.ToString()));

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-chart=loss]")));
        Assert.Empty(page.FindAll("[data-chart=loss-steps]"));
        Assert.Empty(page.FindAll("#test-results"));
        Assert.Empty(page.FindAll("#stopped-early"));
    }

    public void Dispose() => _ctx.Dispose();
}
