using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Tests.Grains;
using CaptionBoundaries.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Security;

/// <summary>
/// What a second hostile review of issue 15 found after the first round of fixes: a model config path the server read
/// for anyone (<c>pretrained</c>), lineage taken from a checkpoint's own say-so, aliases any researcher could move on
/// someone else's model, and sweep definitions that passed validation but broke the sweep afterwards.
/// </summary>
[Collection(AccessControlCollection.Name)]
public sealed class SecondReviewAbuseTests(AccessControlFixture fx)
{
    private string Dataset => ApiRuns.Dataset(fx.Factory.DataFolder, "second-review");

    private static async Task<(HttpStatusCode Status, JsonElement Body)> Send(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static string FieldError(JsonElement problem, string field) =>
        problem.GetProperty("errors").TryGetProperty(field, out var messages)
            ? string.Join(" ", messages.EnumerateArray().Select(e => e.GetString()))
            : throw new Xunit.Sdk.XunitException($"no error for '{field}' in {problem}");

    private async Task<int> SweepCountAsync()
    {
        using var admin = fx.Factory.CreateClient();
        return (await ApiJson.Expect(await admin.GetAsync("/api/sweeps"), HttpStatusCode.OK)).GetArrayLength();
    }

    [Fact]
    public async Task Pretrained_weights_the_caller_may_not_read_are_refused_alike_in_runs_and_sweeps_and_nothing_starts()
    {
        using var carol = fx.Factory.CreateClient(fx.CarolToken);
        var before = await fx.StateFingerprintAsync();
        var sweepsBefore = await SweepCountAsync();

        Task<(HttpStatusCode, JsonElement)> Start(string pretrained) => Send(carol.PostAsJsonAsync("/api/experiments", new Dictionary<string, object>
        {
            ["name"] = "pretrained-probe",
            ["architecture"] = "channel_fusion_lora_resnet50",
            ["dataset_folder"] = Dataset,
            ["epochs"] = 1,
            ["image_size"] = 32,
            ["batch_size"] = 2,
            ["model_config"] = new Dictionary<string, string> { ["pretrained"] = pretrained },
        }));

        // A file that exists but is forbidden, one that is missing, one that is readable by the OS, and a device:
        // the same 400 word for word but for the path, so the answer tells nothing about the file.
        var answers = new List<string>();
        foreach (var path in new[] { "/etc/shadow", "/no/such", "/etc/hosts", "/dev/zero" })
        {
            var (status, body) = await Start(path);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            answers.Add(FieldError(body, "model_config.pretrained").Replace(path, "P"));
        }
        Assert.Single(answers.Distinct());
        Assert.Contains("is not a file this server may read", answers[0]);

        // A sweep's base config and its swept values are held to the same rule.
        var (baseStatus, baseBody) = await Send(carol.PostAsJsonAsync("/api/sweeps", new Dictionary<string, object>
        {
            ["definition"] = "name: p\nmethod: grid\nmetric: { name: val_macro_f1, goal: maximize }\nparameters:\n  lr: { values: [0.001] }\n",
            ["dataset_folder"] = Dataset,
            ["architecture"] = "channel_fusion_lora_resnet50",
            ["image_size"] = 32,
            ["batch_size"] = 2,
            ["model_config"] = new Dictionary<string, string> { ["pretrained"] = "/etc/hosts" },
        }));
        Assert.Equal(HttpStatusCode.BadRequest, baseStatus);
        Assert.Contains("is not a file this server may read", FieldError(baseBody, "model_config.pretrained"));
        var (sweptStatus, sweptBody) = await Send(carol.PostAsJsonAsync("/api/sweeps", new Dictionary<string, object>
        {
            ["definition"] = "name: p\nmethod: grid\nmetric: { name: val_macro_f1, goal: maximize }\nparameters:\n  pretrained: { values: ['/etc/hosts'] }\n",
            ["dataset_folder"] = Dataset,
            ["architecture"] = "channel_fusion_lora_resnet50",
            ["image_size"] = 32,
            ["batch_size"] = 2,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, sweptStatus);
        Assert.Contains("is not a file this server may read", FieldError(sweptBody, "definition.parameters.pretrained.values[0]"));

        Assert.Equal(before, await fx.StateFingerprintAsync());
        Assert.Equal(sweepsBefore, await SweepCountAsync());
    }

    [Fact]
    public async Task A_checkpoint_that_names_someone_elses_private_run_gets_no_lineage_and_no_reference_from_that_runs_data()
    {
        using var bob = fx.Factory.CreateClient(fx.BobToken);
        using var carol = fx.Factory.CreateClient(fx.CarolToken);
        var bobsData = ApiRuns.Dataset(fx.Factory.DataFolder, "bobs-private-lineage-data");
        var run = await ApiRuns.StartAsync(bob, bobsData, "bobs-private-lineage", isPrivate: true);
        Assert.Equal("Completed", await ApiRuns.WaitFinishedAsync(bob, run));

        using var elsewhere = new TempFolder("cb-forged");
        var plugins = fx.Factory.Services.GetRequiredService<PluginRegistry>();
        var forged = CheckpointFactory.WriteTinyCnn(plugins, elsewhere.Combine("forged.pt"), 5, m => m with { ExperimentId = Guid.Parse(run) });
        var version = await ApiJson.Expect(await carol.PostAsync("/api/models/carols-forged/versions/upload",
            new MultipartFormDataContent { { new ByteArrayContent(File.ReadAllBytes(forged)), "file", "forged.pt" } }), HttpStatusCode.Created);
        Assert.Equal(JsonValueKind.Null, version.GetProperty("experiment_id").ValueKind);

        // The reference is computed in the background: wait for it to settle, then it must not come from bob's data.
        JsonElement reference = default;
        await Eventually.True(async () =>
        {
            reference = await ApiJson.Expect(await carol.GetAsync("/api/monitoring/models/carols-forged/versions/1/reference"), HttpStatusCode.OK);
            return reference.GetProperty("status").GetString() != "pending";
        }, 60, () => $"the reference stayed pending: {reference}");
        Assert.Equal("missing", reference.GetProperty("status").GetString());
        Assert.DoesNotContain("bobs-private-lineage-data", reference.ToString());
    }

    [Fact]
    public async Task Only_a_models_owner_or_an_admin_moves_any_of_its_aliases()
    {
        using var bob = fx.Factory.CreateClient(fx.BobToken);
        using var carol = fx.Factory.CreateClient(fx.CarolToken);
        using var admin = fx.Factory.CreateClient();
        using var elsewhere = new TempFolder("cb-aliases");
        var plugins = fx.Factory.Services.GetRequiredService<PluginRegistry>();
        foreach (var seed in new[] { 1, 2 })
        {
            var file = CheckpointFactory.WriteTinyCnn(plugins, elsewhere.Combine($"v{seed}.pt"), seed);
            await ApiJson.Expect(await bob.PostAsync("/api/models/bobs-aliased/versions/upload",
                new MultipartFormDataContent { { new ByteArrayContent(File.ReadAllBytes(file)), "file", "v.pt" } }), HttpStatusCode.Created);
        }
        await ApiJson.Expect(await bob.PutAsJsonAsync("/api/models/bobs-aliased/aliases/staging", new { version = 1 }), HttpStatusCode.OK);
        var before = await fx.StateFingerprintAsync();

        Assert.Equal(HttpStatusCode.Forbidden, (await carol.PutAsJsonAsync("/api/models/bobs-aliased/aliases/staging", new { version = 2, move = true })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.PutAsJsonAsync("/api/models/bobs-aliased/aliases/canary", new { version = 2 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.PostAsJsonAsync("/api/models/bobs-aliased/promote", new { from = "staging", to = "champion" })).StatusCode);
        Assert.Equal(before, await fx.StateFingerprintAsync());

        await ApiJson.Expect(await bob.PutAsJsonAsync("/api/models/bobs-aliased/aliases/staging", new { version = 2, move = true }), HttpStatusCode.OK);
        await ApiJson.Expect(await admin.PutAsJsonAsync("/api/models/bobs-aliased/aliases/canary", new { version = 1 }), HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_sweep_whose_grid_is_astronomical_or_whose_keys_repeat_is_a_400_and_nothing_is_stored()
    {
        using var bob = fx.Factory.CreateClient(fx.BobToken);
        var before = await fx.StateFingerprintAsync();
        var sweepsBefore = await SweepCountAsync();
        string Values(int n, Func<int, string> value) => "[" + string.Join(",", Enumerable.Range(1, n).Select(value)) + "]";
        // 1 500^6 combinations: more than a long holds. It overflowed in the sweep grain, a 500 after validation passed.
        var astronomical = "name: g\nmethod: grid\nmetric: { name: val_macro_f1, goal: maximize }\nparameters:\n" +
            string.Join("", new[] { "lr", "weight_decay", "seed", "epochs", "batch_size", "image_size" }
                .Select(p => $"  {p}: {{ values: {Values(1500, i => p is "lr" or "weight_decay" ? $"{i}e-6" : $"{i}")} }}\n"));
        var repeated = "name: d\nmethod: random\nrun_cap: 2\nmetric: { name: val_macro_f1, goal: maximize }\nparameters:\n" +
            "  lr: { values: [0.001] }\n  lr: { values: [0.01] }\n";
        var repeatedJson = "{\"name\":\"d\",\"method\":\"grid\",\"metric\":{\"name\":\"val_loss\",\"goal\":\"minimize\"},\"metric\":{\"name\":\"val_loss\"},\"parameters\":{\"lr\":{\"values\":[0.001]}}}";

        foreach (var (definition, field, words) in new[]
        {
            (astronomical, "definition.parameters", "combinations"),
            (repeated, "definition.(document)", "more than once"),
            (repeatedJson, "definition.(document)", "more than once"),
        })
        {
            var (status, body) = await Send(bob.PostAsJsonAsync("/api/sweeps", new Dictionary<string, object>
            {
                ["definition"] = definition,
                ["dataset_folder"] = Dataset,
                ["architecture"] = "tiny_test_cnn",
                ["image_size"] = 32,
                ["batch_size"] = 8,
            }));
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains(words, FieldError(body, field));
        }
        Assert.Equal(before, await fx.StateFingerprintAsync());
        Assert.Equal(sweepsBefore, await SweepCountAsync());
    }
}
