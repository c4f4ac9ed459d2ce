using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Tests.Api;
using CaptionBoundaries.Tests.Support;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Isolation;

/// <summary>
/// Finding 10 (issue 15): a run at image 2048 x batch 4096 was accepted and trained inside the server. Now a run's peak
/// memory is estimated from its architecture, batch, image size and dataset, and one that would not fit this node's
/// Training:MaxRunMemory is a 400 with the figures, for an experiment, a multi-stage plan and a sweep alike.
/// </summary>
public sealed class RunMemoryLimitTests : IAsyncLifetime
{
    private readonly ApiFactory _factory = new() { Settings = { ["Training:MaxRunMemory"] = "12GiB" } };
    private HttpClient _client = null!;
    private string _dataset = null!;

    public Task InitializeAsync()
    {
        _client = _factory.CreateClient();
        _dataset = Path.Combine(_factory.DataFolder, "datasets", "memory");
        SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { OutputFolder = _dataset, SamplesPerClass = 2, Seed = 4, Width = 64, Height = 48 });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private static string MemoryError(JsonElement problem)
    {
        Assert.True(problem.GetProperty("errors").TryGetProperty("memory", out var memory), problem.ToString());
        return memory[0].GetString()!;
    }

    [Fact]
    public async Task A_run_at_batch_4096_and_2048_px_is_refused_with_its_estimate_and_the_node_limit_and_nothing_is_queued()
    {
        var refused = await ApiJson.Expect(await _client.PostAsJsonAsync("/api/experiments", new
        {
            name = "huge",
            dataset_folder = _dataset,
            architecture = "shared_backbone_resnet50",
            batch_size = 4096,
            image_size = 2048,
            epochs = 1,
        }), HttpStatusCode.BadRequest);

        var message = MemoryError(refused);
        Assert.Matches(@"^estimated [\d.]+ TiB for shared_backbone_resnet50 at batch 4096 x 2048 px; this node allows 12 GiB", message);
        var experiments = await ApiJson.Expect(await _client.GetAsync("/api/experiments"), HttpStatusCode.OK);
        Assert.DoesNotContain("huge", experiments.ToString());
    }

    [Fact]
    public async Task Only_the_batch_moves_the_same_run_past_the_limit()
    {
        // Asked of the validator the API uses, so the run that fits is not also trained here (~8 GiB at batch 128).
        await using var scope = _factory.Services.CreateAsyncScope();
        var validator = scope.ServiceProvider.GetRequiredService<IValidator<StartExperimentCommand>>();
        RunSpec Spec(int batch) => new()
        {
            Name = "edge",
            DatasetFolder = _dataset,
            Architecture = "shared_backbone_resnet50",
            BatchSize = batch,
            ImageHeight = 96,
            ImageWidth = 96,
            Epochs = 1,
        };

        var fits = await validator.ValidateAsync(new StartExperimentCommand(Spec(128)));
        var tooBig = await validator.ValidateAsync(new StartExperimentCommand(Spec(256)));

        Assert.True(fits.IsValid, string.Join("; ", fits.Errors));
        var error = Assert.Single(tooBig.Errors);
        Assert.Equal("memory", error.PropertyName);
        Assert.Matches(@"^estimated 1[23]\.\d GiB for shared_backbone_resnet50 at batch 256 x 96 px; this node allows 12 GiB", error.ErrorMessage);
    }

    [Fact]
    public async Task A_plan_whose_stage_raises_the_batch_past_the_limit_is_refused()
    {
        var refused = await ApiJson.Expect(await _client.PostAsJsonAsync("/api/experiments", new Dictionary<string, object>
        {
            ["name"] = "staged",
            ["dataset_folder"] = _dataset,
            ["architecture"] = "shared_backbone_resnet50",
            ["batch_size"] = 4,
            ["image_size"] = 1024,
            ["stages"] = new object[] { new { name = "small", epochs = 1 }, new { name = "big", epochs = 1, batch_size = 2048 } },
        }), HttpStatusCode.BadRequest);

        Assert.Contains("at batch 2048 x 1024 px", MemoryError(refused));
    }

    [Fact]
    public async Task A_sweep_whose_trials_would_not_fit_is_refused_before_anything_runs()
    {
        var refused = await ApiJson.Expect(await _client.PostAsJsonAsync("/api/sweeps", new
        {
            definition = """
                name: huge-sweep
                method: grid
                metric: { name: val_macro_f1, goal: maximize }
                parameters:
                  lr: { values: [0.01, 0.003] }
                """,
            dataset_folder = _dataset,
            architecture = "shared_backbone_resnet50",
            image_size = 2048,
            batch_size = 4096,
            epochs = 1,
        }), HttpStatusCode.BadRequest);

        Assert.Contains("for shared_backbone_resnet50 at batch 4096 x 2048 px; this node allows 12 GiB", MemoryError(refused));
        var sweeps = await ApiJson.Expect(await _client.GetAsync("/api/sweeps"), HttpStatusCode.OK);
        Assert.Empty(sweeps.EnumerateArray());
    }

    [Fact]
    public async Task A_sweep_trial_sampled_past_the_limit_fails_alone_with_the_figures_and_its_sibling_runs()
    {
        var started = await ApiJson.Expect(await _client.PostAsJsonAsync("/api/sweeps", new
        {
            definition = """
                name: batch-sweep
                method: grid
                metric: { name: val_macro_f1, goal: maximize }
                parameters:
                  batch_size: { values: [4, 4096] }
                """,
            dataset_folder = _dataset,
            architecture = "tiny_test_cnn",
            image_size = 64,
            batch_size = 4,
            epochs = 1,
        }), HttpStatusCode.Accepted);
        var id = started.GetProperty("id").GetString();

        JsonElement trials = default;
        await Grains.Eventually.True(async () =>
        {
            trials = (await ApiJson.Expect(await _client.GetAsync($"/api/sweeps/{id}"), HttpStatusCode.OK)).GetProperty("trials");
            return trials.GetArrayLength() == 2 && trials.EnumerateArray().All(t => t.GetProperty("status").GetString() is "Completed" or "Failed");
        }, 120, () => trials.ToString());

        var byBatch = trials.EnumerateArray().ToDictionary(t => t.GetProperty("parameters").GetProperty("batch_size").GetString()!);
        Assert.Equal("Completed", byBatch["4"].GetProperty("status").GetString());
        Assert.Equal("Failed", byBatch["4096"].GetProperty("status").GetString());
        Assert.Contains("for tiny_test_cnn at batch 4096 x 64 px; this node allows 12 GiB", byBatch["4096"].GetProperty("reason").GetString());
    }
}
