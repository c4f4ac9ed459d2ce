using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CaptionBoundaries.Tests.Grains;
using CaptionBoundaries.Tests.Support;

namespace CaptionBoundaries.Tests.Sweeps;

/// <summary>Real sweeps of tiny_test_cnn through the REST API, on a server with two worker slots.</summary>
public sealed class SweepApiTests(SweepApiFixture fixture) : IClassFixture<SweepApiFixture>
{
    private HttpClient Client => fixture.Client;

    private object Body(string definition, int epochs = 2) => new
    {
        definition,
        dataset_folder = fixture.Dataset,
        architecture = "tiny_test_cnn",
        image_size = 32,
        epochs,
        batch_size = 8,
        seed = 5,
    };

    private async Task<JsonElement> StartAsync(string definition, int epochs = 2) =>
        await ApiJson.Expect(await Client.PostAsJsonAsync("/api/sweeps", Body(definition, epochs)), HttpStatusCode.Accepted);

    private async Task<JsonElement> StatusAsync(string id) => await ApiJson.Expect(await Client.GetAsync($"/api/sweeps/{id}"), HttpStatusCode.OK);

    private static IEnumerable<JsonElement> Trials(JsonElement sweep) => sweep.GetProperty("trials").EnumerateArray();

    private static int Count(JsonElement sweep, string status) => Trials(sweep).Count(t => t.GetProperty("status").GetString() == status);

    [Fact]
    public async Task AGridRunsTwoTrialsAtOnceUntilExhaustedAndTheBestTrialHasTheHighestMetric()
    {
        var started = await StartAsync("""
            name: grid-lr-width
            method: grid
            metric: { name: val_macro_f1, goal: maximize }
            parameters:
              lr: { values: [0.003, 0.03] }
              width: { values: [4, 8] }
            """);
        var id = started.GetProperty("id").GetString()!;

        var mostRunning = 0;
        JsonElement sweep = default;
        await Eventually.True(async () =>
        {
            sweep = await StatusAsync(id);
            mostRunning = Math.Max(mostRunning, Count(sweep, "Running"));
            return sweep.GetProperty("phase").GetString() == "Completed";
        }, 90, () => $"sweep never completed; last seen {sweep}");

        Assert.Equal(2, mostRunning);
        var trials = Trials(sweep).ToList();
        Assert.Equal(4, trials.Count);
        Assert.All(trials, t => Assert.Equal("Completed", t.GetProperty("status").GetString()));
        Assert.All(trials, t => Assert.Equal(2, t.GetProperty("epochs_done").GetInt32()));
        // The whole grid, each combination once, in the order written (the last parameter changes fastest).
        Assert.Equal(["0.003/4", "0.003/8", "0.03/4", "0.03/8"],
            trials.Select(t => $"{t.GetProperty("parameters").GetProperty("lr").GetString()}/{t.GetProperty("parameters").GetProperty("width").GetString()}"));

        var best = trials.MaxBy(t => t.GetProperty("metric").GetDouble());
        Assert.Equal(best.GetProperty("number").GetInt32(), sweep.GetProperty("best_trial").GetInt32());
        var bestTrial = await ApiJson.Expect(await Client.GetAsync($"/api/sweeps/{id}/best"), HttpStatusCode.OK);
        Assert.Equal(best.GetProperty("experiment_id").GetString(), bestTrial.GetProperty("experiment_id").GetString());

        // Each trial is an ordinary tracked experiment whose best F1 is the metric the sweep recorded.
        var experiment = await ApiJson.Expect(await Client.GetAsync($"/api/experiments/{best.GetProperty("experiment_id").GetString()}"), HttpStatusCode.OK);
        Assert.Equal(best.GetProperty("metric").GetDouble(), experiment.GetProperty("best_val_macro_f1").GetDouble(), 6);
        Assert.Equal("grid-lr-width-trial-" + best.GetProperty("number").GetInt32(), experiment.GetProperty("name").GetString());

        // The list has it: finished, every planned trial done, its best trial and metric.
        var listed = (await ApiJson.Expect(await Client.GetAsync("/api/sweeps"), HttpStatusCode.OK)).EnumerateArray()
            .Single(s => s.GetProperty("id").GetString() == id);
        Assert.Equal(("grid-lr-width", "grid", "Completed"), (listed.GetProperty("name").GetString(), listed.GetProperty("method").GetString(), listed.GetProperty("phase").GetString()));
        Assert.Equal((4, 4, 4), (listed.GetProperty("trials_done").GetInt32(), listed.GetProperty("trials_launched").GetInt32(), listed.GetProperty("planned_trials").GetInt32()));
        Assert.Equal(best.GetProperty("number").GetInt32(), listed.GetProperty("best_trial").GetInt32());
        Assert.Equal(best.GetProperty("metric").GetDouble(), listed.GetProperty("best_metric").GetDouble());
        Assert.Contains("method: grid", sweep.GetProperty("definition").GetString());

        // One call registers the best trial's model, with the trial's experiment as its source.
        var version = await ApiJson.Expect(await Client.PostAsJsonAsync($"/api/sweeps/{id}/best/register", new { model = "sweep-best" }), HttpStatusCode.Created);
        Assert.Equal(1, version.GetProperty("version").GetInt32());
        Assert.Equal(best.GetProperty("experiment_id").GetString(), version.GetProperty("experiment_id").GetString());
        var badModel = await ApiJson.Expect(await Client.PostAsJsonAsync($"/api/sweeps/{id}/best/register", new { model = "Bad Name!" }), HttpStatusCode.BadRequest);
        Assert.True(badModel.GetProperty("errors").TryGetProperty("model", out _));
    }

    [Fact]
    public async Task PauseStopsNewLaunchesResumeContinuesAndCancelCancelsTheRunningTrials()
    {
        var started = await StartAsync("""
            name: pause-resume
            method: grid
            metric: { name: val_loss, goal: minimize }
            parameters:
              lr: { values: [0.001, 0.002, 0.003, 0.004] }
            """, epochs: 2000);
        var id = started.GetProperty("id").GetString()!;
        JsonElement sweep = default;
        await Eventually.True(async () => Count(sweep = await StatusAsync(id), "Running") == 2, 60, () => $"two trials never ran; last seen {sweep}");

        var paused = await ApiJson.Expect(await Client.PostAsync($"/api/sweeps/{id}/pause", null), HttpStatusCode.OK);
        Assert.Equal("Paused", paused.GetProperty("phase").GetString());
        // A trial ending while paused frees a slot that the sweep leaves empty.
        var first = Trials(paused).First().GetProperty("experiment_id").GetString();
        await ApiJson.Expect(await Client.PostAsync($"/api/experiments/{first}/cancel", null), HttpStatusCode.OK);
        await Eventually.True(async () => Count(sweep = await StatusAsync(id), "Cancelled") == 1, 30, () => $"the cancelled trial was never seen; last seen {sweep}");
        sweep = await StatusAsync(id);
        Assert.Equal(2, Trials(sweep).Count());
        Assert.Equal("Paused", sweep.GetProperty("phase").GetString());

        await ApiJson.Expect(await Client.PostAsync($"/api/sweeps/{id}/resume", null), HttpStatusCode.OK);
        await Eventually.True(async () => Count(sweep = await StatusAsync(id), "Running") == 2, 60, () => $"resume launched no trial; last seen {sweep}");
        Assert.Equal(3, Trials(sweep).Count());

        var cancelled = await ApiJson.Expect(await Client.PostAsync($"/api/sweeps/{id}/cancel", null), HttpStatusCode.OK);
        Assert.Equal("Cancelled", cancelled.GetProperty("phase").GetString());
        await Eventually.True(async () => Count(sweep = await StatusAsync(id), "Cancelled") == 3, 60, () => $"running trials were not cancelled; last seen {sweep}");
        Assert.Equal(3, Trials(sweep).Count());
        await Eventually.True(async () =>
        {
            var slots = await ApiJson.Expect(await Client.GetAsync("/api/slots"), HttpStatusCode.OK);
            return slots.GetProperty("slots").EnumerateArray().All(s => !s.TryGetProperty("experiment_id", out var e) || e.ValueKind == JsonValueKind.Null);
        }, 30, () => "slots stayed leased after the sweep was cancelled");
    }

    [Fact]
    public async Task AnInvalidDefinitionIsA400NamingTheField()
    {
        var badMethod = await ApiJson.Expect(await Client.PostAsJsonAsync("/api/sweeps", Body("""
            name: bad
            method: gird
            metric: { name: val_macro_f1, goal: maximize }
            parameters: { lr: { values: [0.01] } }
            """)), HttpStatusCode.BadRequest);
        Assert.True(badMethod.GetProperty("errors").TryGetProperty("definition.method", out _), badMethod.ToString());

        var unknownKey = await ApiJson.Expect(await Client.PostAsJsonAsync("/api/sweeps", Body("""
            name: bad
            method: grid
            metric: { name: val_macro_f1, goal: maximize }
            parameters: { widht: { values: [4, 8] } }
            """)), HttpStatusCode.BadRequest);
        var message = unknownKey.GetProperty("errors").GetProperty("definition.parameters.widht")[0].GetString();
        Assert.Contains("width", message);

        var unknownMetric = await ApiJson.Expect(await Client.PostAsJsonAsync("/api/sweeps", Body("""
            name: bad
            method: grid
            metric: { name: val_f2, goal: maximize }
            parameters: { lr: { values: [0.01] } }
            """)), HttpStatusCode.BadRequest);
        Assert.True(unknownMetric.GetProperty("errors").TryGetProperty("definition.metric.name", out _), unknownMetric.ToString());

        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/api/sweeps/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task SweepTrialsWithAPlanRunTheirStagesAsChildRunsAndTheSweepSeesOneTimeline()
    {
        var body = new Dictionary<string, object>
        {
            ["definition"] = """
                name: staged-lr
                method: grid
                metric: { name: val_macro_f1, goal: maximize }
                parameters:
                  lr: { values: [0.01, 0.003] }
                """,
            ["dataset_folder"] = fixture.Dataset,
            ["architecture"] = "tiny_test_cnn",
            ["image_size"] = 32,
            ["batch_size"] = 8,
            ["seed"] = 5,
            ["stages"] = new object[]
            {
                new { name = "head", epochs = 1, freeze = new[] { "features" } },
                new { name = "finetune", epochs = 2 },
            },
        };
        var started = await ApiJson.Expect(await Client.PostAsJsonAsync("/api/sweeps", body), HttpStatusCode.Accepted);
        var id = started.GetProperty("id").GetString()!;
        JsonElement sweep = default;
        await Eventually.True(async () =>
        {
            sweep = await StatusAsync(id);
            return sweep.GetProperty("phase").GetString() == "Completed";
        }, 120, () => $"sweep never completed; last seen {sweep}");

        var trials = Trials(sweep).ToList();
        Assert.Equal(2, trials.Count);
        // The sweep followed each trial over the whole plan (1 + 2 epochs), not just one stage.
        Assert.All(trials, t => Assert.Equal(3, t.GetProperty("epochs_done").GetInt32()));
        using var scope = Accounts.LocalOperatorScope(fixture.Factory.Services);
        var mediator = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Mediator.IMediator>(scope.ServiceProvider);
        foreach (var trial in trials)
        {
            var detail = await mediator.Send(new CaptionBoundaries.Application.Features.Experiments.GetExperimentDetailQuery(trial.GetProperty("experiment_id").GetString()!));
            Assert.Equal(["head", "finetune"], detail.Stages.Select(s => s.Name));
            Assert.All(detail.Stages, s => Assert.Equal("Completed", s.Status));
            Assert.True(detail.Stages[0].TrainableParameters < detail.Stages[1].TrainableParameters, "the head stage trains fewer parameters");
            Assert.Equal([1, 2, 3], detail.Epochs.Select(e => e.Epoch));
        }
    }
}
