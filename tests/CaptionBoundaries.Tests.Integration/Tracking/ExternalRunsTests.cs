using System.Net;
using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Tests.Support;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Tracking;

/// <summary>
/// Runs logged from outside (Source "mlflow": metric series, params and tags, no epochs) read beside native ones: the
/// detail carries their series step by step, and a comparison puts both kinds on the same metric keys.
/// </summary>
[Collection(RunRecordsCollection.Name)]
public sealed class ExternalRunsTests(RunRecordsFixture fx)
{
    [Fact]
    public async Task An_external_runs_detail_has_its_params_tags_and_every_series_step_by_step()
    {
        var run = await TrackedRuns.ExternalAsync(fx.Services, "logged-from-outside", "carol",
            new Dictionary<string, double[]> { ["val_loss"] = [0.9, 0.7, double.NaN, 0.5], ["lr"] = [0.1, 0.05] },
            new Dictionary<string, string> { ["optimizer"] = "adam", ["batch_size"] = "32" },
            new Dictionary<string, string> { ["mlflow.runName"] = "logged-from-outside" });

        var detail = await Query(new GetExperimentDetailQuery(run.ToString("N")));

        Assert.Equal("mlflow", detail.Source);
        Assert.Equal("carol", detail.Owner);
        Assert.Empty(detail.Epochs);
        Assert.Equal(["batch_size=32", "optimizer=adam"], detail.Params.Select(p => $"{p.Key}={p.Value}"));
        Assert.Equal("mlflow.runName", detail.Tags.Single().Key);
        Assert.Equal(["lr", "val_loss"], detail.MetricSeries.Select(s => s.Key));
        var loss = detail.MetricSeries.Single(s => s.Key == "val_loss");
        Assert.Equal([0L, 10, 20, 30], loss.Points.Select(p => p.Step));
        Assert.Equal(0.7, loss.Points[1].Value);
        Assert.True(double.IsNaN(loss.Points[2].Value));
    }

    [Fact]
    public async Task A_long_series_is_thinned_evenly_for_the_screen_but_keeps_its_last_point()
    {
        var values = Enumerable.Range(0, 1001).Select(i => (double)i).ToArray();
        var run = await TrackedRuns.ExternalAsync(fx.Services, "long-series", "carol", new Dictionary<string, double[]> { ["loss"] = values });

        var thinned = await Query(new GetExperimentDetailQuery(run.ToString("N")) { MaxPointsPerSeries = 100 });
        var all = await Query(new GetExperimentDetailQuery(run.ToString("N")) { MaxPointsPerSeries = null });

        var series = thinned.MetricSeries.Single();
        Assert.Equal(1001, series.TotalPoints);
        Assert.InRange(series.Points.Count, 50, 101);
        Assert.Equal(0, series.Points[0].Value);
        Assert.Equal(1000, series.Points[^1].Value);
        Assert.Equal(1001, all.MetricSeries.Single().Points.Count);
    }

    [Fact]
    public async Task Native_and_external_runs_are_compared_on_the_same_metric_keys()
    {
        var native = await TrackedRuns.NativeAsync(fx.Services, "native-side", "bob", valF1: [0.4, 0.6]);
        var external = await TrackedRuns.ExternalAsync(fx.Services, "external-side", "carol",
            new Dictionary<string, double[]> { ["val_macro_f1"] = [0.2, 0.5, 0.65], ["throughput"] = [100, 120] },
            new Dictionary<string, string> { ["optimizer"] = "sgd" }, new Dictionary<string, string> { ["team"] = "vision" });

        var comparison = await Query(new CompareExperimentsQuery([native.ToString("N"), external.ToString("N")]));

        Assert.Equal(["train_loss", "val_loss", "val_accuracy", "val_macro_f1", "throughput"], comparison.MetricKeys);
        var nativeF1 = comparison.Experiments[0].Series.Single(s => s.Key == "val_macro_f1");
        Assert.Equal([(1L, 0.4), (2L, 0.6)], nativeF1.Points.Select(p => (p.Step, p.Value)));
        var externalF1 = comparison.Experiments[1].Series.Single(s => s.Key == "val_macro_f1");
        Assert.Equal([0.2, 0.5, 0.65], externalF1.Points.Select(p => p.Value));
        Assert.Equal("mlflow", comparison.Experiments[1].Source);
        var rows = comparison.Rows.ToDictionary(r => r.Key);
        Assert.Equal(["native", "mlflow"], rows["source"].Values);
        Assert.Equal(["", "sgd"], rows["param.optimizer"].Values);
        Assert.Equal(["", "vision"], rows["tag.team"].Values);
        Assert.Equal(["", "120"], rows["metric.throughput"].Values);
        Assert.True(rows["source"].Differs);
    }

    private async Task<T> Query<T>(IQuery<T> query)
    {
        using var scope = Accounts.LocalOperatorScope(fx.Services);
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(query);
    }

    [Fact]
    public async Task Another_accounts_private_external_run_cannot_be_compared()
    {
        var mine = await TrackedRuns.NativeAsync(fx.Services, "mine", "carol");
        var hidden = await TrackedRuns.ExternalAsync(fx.Services, "bobs-hidden", "bob", new Dictionary<string, double[]> { ["x"] = [1] }, isPrivate: true);

        var response = await fx.Carol.GetAsync($"/api/experiments/compare/report?ids={mine:N},{hidden:N}&format=json");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
