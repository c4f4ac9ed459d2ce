using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Application.Features.Sweeps;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Tests.Api;
using CaptionBoundaries.Tests.Grains;
using CaptionBoundaries.Tests.Support;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Sweeps;

/// <summary>
/// A server with one worker slot, so a sweep's trials run one after another in the order launched: which trials an
/// early-termination rule has seen when it judges one is then fixed, not a race between slots. Training alone on the
/// slot is also bit-for-bit repeatable (concurrent runs share torch's global generator while building their models).
/// </summary>
public sealed class SingleSlotSweepFixture : IAsyncLifetime
{
    public ApiFactory Factory { get; } = new() { Slots = 1 };
    public HttpClient Client { get; private set; } = null!;

    /// <summary>45 training and 15 validation samples: enough that a good learning rate is far above chance after two epochs.</summary>
    public string Dataset { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Client = Factory.CreateClient();
        Dataset = Path.Combine(Factory.DataFolder, "datasets", "early-stop");
        SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions
        {
            OutputFolder = Dataset,
            SamplesPerClass = 12,
            Seed = 9,
            Width = 48,
            Height = 32,
            ValidationFraction = 0.25,
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}

/// <summary>A real ASHA sweep of tiny_test_cnn through the REST API in which trials that cannot learn are stopped early.</summary>
public sealed class SweepEarlyStopTests(SingleSlotSweepFixture fixture) : IClassFixture<SingleSlotSweepFixture>
{
    private const int Epochs = 10;

    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task AshaStopsTheTrialsThatCannotLearnAtItsRungAndTheGoodTrialsRunToTheEnd()
    {
        // One rung, at epoch 2 (min_iter 2, eta 2, max_iter 3), judged in launch order:
        //   trial 1 (lr 0.01):  alone at the rung, goes on;
        //   trial 2 (lr 1e-7):  2 at the rung, keep 1: below trial 1, stopped;
        //   trial 3 (lr 1e-6):  3 at the rung, keep 1: below trial 1, stopped;
        //   trial 4 (lr 0.005): 4 at the rung, keep 2: the cutoff is the worse of trials 1 and 4, so it goes on
        //                       whatever its value, as long as it beats a trial that cannot learn.
        // Both tiny learning rates leave the weights where they started (chance level after two epochs).
        var started = await ApiJson.Expect(await Client.PostAsJsonAsync("/api/sweeps", new
        {
            definition = """
                name: early-stop
                method: grid
                metric: { name: val_macro_f1, goal: maximize }
                parameters:
                  lr: { values: [0.01, 0.0000001, 0.000001, 0.005] }
                early_terminate: { type: asha, min_iter: 2, max_iter: 3, eta: 2 }
                """,
            dataset_folder = fixture.Dataset,
            architecture = "tiny_test_cnn",
            image_size = 32,
            epochs = Epochs,
            batch_size = 8,
            seed = 5,
        }), HttpStatusCode.Accepted);
        var id = started.GetProperty("id").GetString()!;

        JsonElement sweep = default;
        await Eventually.True(async () => (sweep = await Status(id)).GetProperty("phase").GetString() == "Completed",
            90, () => $"sweep never completed; last seen {sweep}");
        var story = $"{sweep}\n{await Curves(sweep)}";
        var trials = sweep.GetProperty("trials").EnumerateArray().ToList();
        Assert.True(trials.Count == 4, story);
        var (good, useless) = (new[] { trials[0], trials[3] }, new[] { trials[1], trials[2] });

        // The good trials ran every epoch and finished on their own, with no stop reason.
        foreach (var trial in good)
        {
            Assert.True(trial.GetProperty("status").GetString() == "Completed", story);
            Assert.Equal(Epochs, trial.GetProperty("epochs_done").GetInt32());
            Assert.Equal(JsonValueKind.Null, trial.GetProperty("reason").ValueKind);
            var run = await Experiment(trial);
            Assert.Equal("Completed", run.GetProperty("phase").GetString());
            Assert.Equal(Epochs, run.GetProperty("epochs_done").GetInt32());
        }

        // The useless ones were stopped at the rung: their experiments cancelled before their last epoch, the reason recorded.
        var fieldSize = 2;
        foreach (var trial in useless)
        {
            Assert.True(trial.GetProperty("status").GetString() == "Stopped", story);
            var reason = trial.GetProperty("reason").GetString()!;
            Assert.StartsWith("ASHA rung 2: 0.", reason);
            Assert.Contains($"not in top 1/2 of {fieldSize++} (cutoff 0.", reason);
            var run = await Experiment(trial);
            Assert.Equal("Cancelled", run.GetProperty("phase").GetString());
            var ran = run.GetProperty("epochs_done").GetInt32();
            Assert.True(ran is >= 2 and < Epochs, $"a stopped trial ran {ran} of {Epochs} epochs\n{story}");
            Assert.Equal(ran, trial.GetProperty("epochs_done").GetInt32());
            Assert.True(trial.GetProperty("metric").GetDouble() < good.Min(g => g.GetProperty("metric").GetDouble()), story);
        }

        // The status handler (what `sweep status` and the console show) tells the same story.
        using (var scope = Accounts.LocalOperatorScope(fixture.Factory.Services))
        {
            var status = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new GetSweepQuery(Guid.Parse(id)));
            Assert.Equal([TrialStatus.Completed, TrialStatus.Stopped, TrialStatus.Stopped, TrialStatus.Completed], status.Trials.Select(t => t.Status));
            Assert.Equal(useless.Select(t => t.GetProperty("reason").GetString()), status.Trials.Where(t => t.Status == TrialStatus.Stopped).Select(t => t.Reason));
        }

        // The best trial is a good one.
        var bestNumber = sweep.GetProperty("best_trial").GetInt32();
        Assert.Contains(bestNumber, new[] { 1, 4 });
        var best = await ApiJson.Expect(await Client.GetAsync($"/api/sweeps/{id}/best"), HttpStatusCode.OK);
        Assert.Equal(bestNumber, best.GetProperty("number").GetInt32());
        Assert.Equal(good.Max(g => g.GetProperty("metric").GetDouble()), best.GetProperty("metric").GetDouble());
    }

    private async Task<JsonElement> Status(string id) => await ApiJson.Expect(await Client.GetAsync($"/api/sweeps/{id}"), HttpStatusCode.OK);

    private async Task<JsonElement> Experiment(JsonElement trial) =>
        await ApiJson.Expect(await Client.GetAsync($"/api/experiments/{trial.GetProperty("experiment_id").GetString()}"), HttpStatusCode.OK);

    /// <summary>Each trial's validation macro-F1 per epoch, from the tracking database: what a failure message needs.</summary>
    private async Task<string> Curves(JsonElement sweep)
    {
        using var scope = Accounts.LocalOperatorScope(fixture.Factory.Services);
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        var lines = new List<string>();
        foreach (var t in sweep.GetProperty("trials").EnumerateArray())
        {
            var run = await mediator.Send(new GetExperimentDetailQuery(t.GetProperty("experiment_id").GetString()!));
            lines.Add($"trial {t.GetProperty("number").GetInt32()} {run.Status}: " +
                      string.Join(", ", run.Epochs.Select(e => e.ValMacroF1.ToString("0.###", CultureInfo.InvariantCulture))));
        }
        return string.Join("\n", lines);
    }
}
