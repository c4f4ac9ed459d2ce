using CaptionBoundaries.Application.Features.Mlflow;
using CaptionBoundaries.Tests.Support;

namespace CaptionBoundaries.Tests.Mlflow;

/// <summary>
/// The MLflow tracking queries (latest metric per key, search, paged history) on SQLite and on the real PostgreSQL
/// server: the SQL differs by provider, the answers may not.
/// </summary>
public sealed class MlflowTrackingProviderTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Latest_metrics_search_and_history_agree_on_both_providers(string provider)
    {
        await using var host = await AppHost.StartAsync(provider);
        var experiment = await host.SendAsync(new CreateMlflowExperimentCommand("providers", null, []));
        var runs = new List<string>();
        for (var r = 0; r < 3; r++)
        {
            var run = await host.SendAsync(new CreateMlflowRunCommand(experiment, $"run-{r}", 1_000 + r, [new MlflowKeyValue("team", r == 1 ? "nlp" : "cv")]));
            runs.Add(run.Info.RunId);
            var points = Enumerable.Range(0, 30).Select(step => new MlflowMetricInput("loss", (r + 1) * 1.0 / (step + 1), 10_000 + step, step)).ToList();
            // Two points at the last step: the later timestamp is the latest; a NaN series survives the round trip.
            points.Add(new MlflowMetricInput("loss", 42.0 + r, 20_000, 29));
            points.Add(new MlflowMetricInput("grad_norm", double.NaN, 10_000, 0));
            await host.SendAsync(new LogToMlflowRunCommand(run.Info.RunId, points, [new MlflowKeyValue("lr", $"0.00{r + 1}")], []));
        }

        var first = await host.SendAsync(new GetMlflowRunQuery(runs[0]));
        var latest = first.Data.Metrics.ToDictionary(m => m.Key);
        Assert.Equal(42.0, latest["loss"].Value);
        Assert.Equal(29, latest["loss"].Step);
        Assert.True(double.IsNaN(latest["grad_norm"].Value));

        var found = await host.SendAsync(new SearchMlflowRunsQuery([experiment], "metrics.loss >= 43 and tags.team = 'cv'", null, 100, [], null));
        Assert.Equal([runs[2]], found.Items.Select(r => r.Info.RunId));
        var ordered = await host.SendAsync(new SearchMlflowRunsQuery([experiment], "params.lr LIKE '0.00%'", null, 100, ["metrics.loss ASC"], null));
        Assert.Equal(runs, ordered.Items.Select(r => r.Info.RunId));

        var page1 = await host.SendAsync(new GetMlflowMetricHistoryQuery(runs[1], "loss", 20, null));
        var page2 = await host.SendAsync(new GetMlflowMetricHistoryQuery(runs[1], "loss", 20, page1.NextPageToken));
        Assert.NotNull(page1.NextPageToken);
        Assert.Null(page2.NextPageToken);
        var steps = page1.Items.Concat(page2.Items).Select(m => m.Step).ToList();
        Assert.Equal(31, steps.Count);
        Assert.Equal(steps.Order(), steps);
    }
}
