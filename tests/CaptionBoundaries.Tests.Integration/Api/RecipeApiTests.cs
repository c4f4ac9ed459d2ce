using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Tests.Grains;
using CaptionBoundaries.Tests.Support;

namespace CaptionBoundaries.Tests.Api;

/// <summary>
/// The training recipe over HTTP, as a researcher: a model config the architecture refuses, or weights that are not
/// there, is a 400 naming the field before anything runs; recipe fields are checked by name, whatever their type; a run
/// with a recipe reports its step losses, its test split and its recipe in the detail; a sweep takes recipe parameters;
/// and another account's private run's detail is not found.
/// </summary>
public sealed class RecipeApiTests : IAsyncLifetime
{
    private readonly ApiFactory _factory = new();
    private HttpClient _researcher = null!;
    private HttpClient _other = null!;
    private string _dataset = null!;

    public async Task InitializeAsync()
    {
        _researcher = _factory.CreateClient(await _factory.CreateUserTokenAsync("rita", Roles.Researcher));
        _other = _factory.CreateClient(await _factory.CreateUserTokenAsync("otto", Roles.Researcher));
        _dataset = Path.Combine(_factory.DataFolder, "datasets", "recipe");
        SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions
        {
            OutputFolder = _dataset,
            SamplesPerClass = 6,
            Seed = 8,
            Width = 48,
            Height = 32,
            ValidationFraction = 0.34,
            TestFraction = 0.34,
        });
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private Dictionary<string, object> Body(string name, string architecture = "tiny_test_cnn") => new()
    {
        ["name"] = name,
        ["architecture"] = architecture,
        ["dataset_folder"] = _dataset,
        ["epochs"] = 2,
        ["image_size"] = 32,
        ["batch_size"] = 4,
    };

    private static string FieldError(JsonElement problem, string field) =>
        problem.GetProperty("errors").TryGetProperty(field, out var messages)
            ? string.Join(" ", messages.EnumerateArray().Select(e => e.GetString()))
            : throw new Xunit.Sdk.XunitException($"no error for '{field}' in {problem}");

    private async Task<int> RunCount() =>
        (await ApiJson.Expect(await _factory.CreateClient(_factory.AdminToken).GetAsync("/api/experiments?limit=500"), HttpStatusCode.OK)).GetArrayLength();

    [Fact]
    public async Task A_model_config_the_architecture_refuses_is_a_400_naming_the_field_and_nothing_runs()
    {
        var before = await RunCount();

        var rank = Body("bad-rank", "channel_fusion_lora_resnet50");
        rank["model_config"] = new Dictionary<string, string> { ["lora_rank"] = "-3" };
        var problem = await ApiJson.Expect(await _researcher.PostAsJsonAsync("/api/experiments", rank), HttpStatusCode.BadRequest);
        Assert.Contains("'lora_rank' must be between 1 and 1024, got -3", FieldError(problem, "model_config.lora_rank"));

        var weights = Body("missing-weights", "channel_fusion_lora_resnet50");
        weights["model_config"] = new Dictionary<string, string> { ["pretrained"] = Path.Combine(_factory.DataFolder, "weights", "resnet50.bin") };
        problem = await ApiJson.Expect(await _researcher.PostAsJsonAsync("/api/experiments", weights), HttpStatusCode.BadRequest);
        Assert.Contains("is not a file this server may read", FieldError(problem, "model_config.pretrained"));

        var typo = Body("typo");
        typo["model_config"] = new Dictionary<string, string> { ["widht"] = "8" };
        problem = await ApiJson.Expect(await _researcher.PostAsJsonAsync("/api/experiments", typo), HttpStatusCode.BadRequest);
        Assert.Contains("unknown model config key 'widht'", FieldError(problem, "model_config.widht"));

        // A sweep's base config is held to the same rule, and so is a swept value (refused by the trial, not the server).
        var sweep = await ApiJson.Expect(await _researcher.PostAsJsonAsync("/api/sweeps", new Dictionary<string, object>
        {
            ["definition"] = "name: r\nmethod: grid\nmetric: { name: val_macro_f1, goal: maximize }\nparameters:\n  lr: { values: [0.001] }\n",
            ["dataset_folder"] = _dataset,
            ["architecture"] = "channel_fusion_lora_resnet50",
            ["image_size"] = 32,
            ["model_config"] = new Dictionary<string, string> { ["lora_alpha"] = "-1" },
        }), HttpStatusCode.BadRequest);
        Assert.Contains("'lora_alpha' must be greater than 0", FieldError(sweep, "model_config.lora_alpha"));

        Assert.Equal(before, await RunCount());
    }

    [Fact]
    public async Task Recipe_fields_are_checked_by_name_whatever_is_sent()
    {
        var bad = Body("bad-recipe");
        bad["lr_schedule"] = "exponential";
        bad["label_smoothing"] = 2;
        bad["grad_accumulation_steps"] = 0;
        bad["early_stopping_patience"] = -1;
        bad["mixed_precision"] = "fp8";
        var problem = await ApiJson.Expect(await _researcher.PostAsJsonAsync("/api/experiments", bad), HttpStatusCode.BadRequest);
        Assert.Contains("one of constant, cosine, step, one_cycle", FieldError(problem, "lr_schedule"));
        Assert.Contains("[0, 1)", FieldError(problem, "label_smoothing"));
        FieldError(problem, "grad_accumulation_steps");
        FieldError(problem, "early_stopping_patience");
        FieldError(problem, "mixed_precision");

        // Wrong JSON types and absurd sizes are 400s too, never a 500 or a run.
        foreach (var (field, value) in new (string, object)[] { ("warmup_steps", "many"), ("grad_clip_norm", new[] { 1 }), ("log_every_n_steps", 1e12), ("lr_gamma", "NaN") })
        {
            var body = Body("wrong-type");
            body[field] = value;
            var response = await _researcher.PostAsJsonAsync("/api/experiments", body);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{field}={JsonSerializer.Serialize(value)}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        var huge = Body("huge");
        huge["warmup_steps"] = int.MaxValue;
        huge["log_every_n_steps"] = int.MaxValue;
        problem = await ApiJson.Expect(await _researcher.PostAsJsonAsync("/api/experiments", huge), HttpStatusCode.BadRequest);
        FieldError(problem, "warmup_steps");
        FieldError(problem, "log_every_n_steps");
    }

    [Fact]
    public async Task A_run_with_a_recipe_reports_its_step_losses_test_split_and_recipe_in_its_detail_and_others_cannot_read_a_private_one()
    {
        var body = Body("with-recipe");
        body["lr_schedule"] = "cosine";
        body["warmup_steps"] = 2;
        body["grad_clip_norm"] = 1.0;
        body["log_every_n_steps"] = 1;
        body["private"] = true;
        var started = await ApiJson.Expect(await _researcher.PostAsJsonAsync("/api/experiments", body), HttpStatusCode.Accepted);
        var id = started.GetProperty("id").GetString()!;
        Assert.Equal("Completed", await ApiRuns.WaitFinishedAsync(_researcher, id));

        var detail = await ApiJson.Expect(await _researcher.GetAsync($"/api/experiments/{id}/detail"), HttpStatusCode.OK);
        // 10 train samples in batches of 4: 3 steps an epoch, 6 in all, each logged.
        Assert.Equal([1L, 2, 3, 4, 5, 6], detail.GetProperty("train_loss_steps").EnumerateArray().Select(p => p.GetProperty("step").GetInt64()));
        var test = detail.GetProperty("test");
        Assert.Equal(10, test.GetProperty("confusion_matrix").EnumerateArray().Sum(r => r.EnumerateArray().Sum(c => c.GetInt32())));
        Assert.InRange(test.GetProperty("macro_f1").GetDouble(), 0, 1);
        var hp = detail.GetProperty("hyperparameters");
        Assert.Equal("cosine", hp.GetProperty("lr_schedule").GetString());
        Assert.Equal("off", hp.GetProperty("mixed_precision_effective").GetString());
        Assert.Equal(JsonValueKind.Null, detail.GetProperty("stopped_early").ValueKind);

        // Another account's private run: not found, like everywhere else.
        await ApiJson.Expect(await _other.GetAsync($"/api/experiments/{id}/detail"), HttpStatusCode.NotFound);
        await ApiJson.Expect(await _researcher.GetAsync("/api/experiments/ab/detail"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_sweep_over_recipe_fields_runs_trials_with_those_recipes_and_refuses_values_no_trial_could_take()
    {
        var refused = await ApiJson.Expect(await _researcher.PostAsJsonAsync("/api/sweeps", new Dictionary<string, object>
        {
            ["definition"] = "name: r\nmethod: grid\nmetric: { name: val_macro_f1, goal: maximize }\nparameters:\n  lr_schedule: { values: [cosine, sawtooth] }\n",
            ["dataset_folder"] = _dataset,
            ["architecture"] = "tiny_test_cnn",
        }), HttpStatusCode.BadRequest);
        Assert.Contains("sawtooth", FieldError(refused, "definition.parameters.lr_schedule.values[1]"));

        var sweep = await ApiJson.Expect(await _researcher.PostAsJsonAsync("/api/sweeps", new Dictionary<string, object>
        {
            ["definition"] = "name: recipes\nmethod: grid\nmetric: { name: val_macro_f1, goal: maximize }\nparameters:\n" +
                "  lr_schedule: { values: [step, one_cycle] }\n  label_smoothing: { value: 0.1 }\n",
            ["dataset_folder"] = _dataset,
            ["architecture"] = "tiny_test_cnn",
            ["image_size"] = 32,
            ["batch_size"] = 4,
            ["epochs"] = 1,
            ["grad_clip_norm"] = 2.0,
        }), HttpStatusCode.Accepted);
        var sweepId = sweep.GetProperty("id").GetString();

        JsonElement trials = default;
        await Eventually.True(async () =>
        {
            var info = await ApiJson.Expect(await _researcher.GetAsync($"/api/sweeps/{sweepId}"), HttpStatusCode.OK);
            trials = info.GetProperty("trials");
            return trials.GetArrayLength() == 2 && trials.EnumerateArray().All(t => t.GetProperty("status").GetString() is "Completed" or "Failed");
        }, 240, () => $"the two trials should finish: {trials}");

        var recipes = new List<(string, string, string)>();
        foreach (var trial in trials.EnumerateArray())
        {
            Assert.Equal("Completed", trial.GetProperty("status").GetString());
            var detail = await ApiJson.Expect(await _researcher.GetAsync($"/api/experiments/{trial.GetProperty("experiment_id").GetString()}/detail"), HttpStatusCode.OK);
            var hp = detail.GetProperty("hyperparameters");
            recipes.Add((hp.GetProperty("lr_schedule").GetString()!, hp.GetProperty("label_smoothing").GetString()!, hp.GetProperty("grad_clip_norm").GetString()!));
        }
        Assert.Equal([("one_cycle", "0.1", "2"), ("step", "0.1", "2")], recipes.Order());
    }
}
