using System.Text.Json;
using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Application.Features.Inference;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Checkpoints;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Inference;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Infrastructure.Tracking;
using CaptionBoundaries.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static TorchSharp.torch;

namespace CaptionBoundaries.Tests.Training;

public sealed class TrainingEndToEndTests(TrainedRunFixture run) : IClassFixture<TrainedRunFixture>
{
    [Fact]
    public void TinyArchitectureLearnsTheSyntheticTask()
    {
        Assert.Equal(ExperimentStatus.Completed, run.Result.Status);
        Assert.NotNull(run.Result.BestValMacroF1);
        Assert.True(run.Result.BestValMacroF1 >= 0.9, $"best val macro-F1 was {run.Result.BestValMacroF1:F3}, expected >= 0.9");
    }

    [Fact]
    public async Task ExperimentEpochsAndCheckpointsAreTracked()
    {
        var experiment = await run.Host.QueryDb(db => db.Experiments
            .Include(e => e.Epochs).Include(e => e.Checkpoints)
            .SingleAsync(e => e.Id == run.Result.ExperimentId));

        Assert.Equal(ExperimentStatus.Completed, experiment.Status);
        Assert.Equal("tiny_test_cnn", experiment.ArchitectureName);
        Assert.Equal(DatasetIdentity.Compute(run.DatasetFolder), experiment.DatasetIdentity);
        Assert.Equal("glyph_profile", experiment.EmbedderName);
        Assert.False(string.IsNullOrWhiteSpace(experiment.EmbedderVersion));
        Assert.False(string.IsNullOrWhiteSpace(experiment.GitCommit));
        var hp = JsonSerializer.Deserialize<Dictionary<string, string>>(experiment.HyperparametersJson)!;
        Assert.Equal("16", hp["batch_size"]);
        Assert.Equal("0.003", hp["lr"]);
        var config = JsonSerializer.Deserialize<Dictionary<string, string>>(experiment.ModelConfigJson)!;
        Assert.Contains("width", config.Keys);

        Assert.Equal(Enumerable.Range(1, TrainedRunFixture.Epochs), experiment.Epochs.Select(e => e.Epoch).Order());
        Assert.Equal(experiment.Epochs.Max(e => e.ValMacroF1), experiment.BestValMacroF1!.Value, 10);
        foreach (var epoch in experiment.Epochs)
        {
            var perClass = JsonSerializer.Deserialize<Dictionary<string, double>>(epoch.PerClassF1Json)!;
            Assert.Equal(TaskSpec.Classes, perClass.Keys);
            var confusion = JsonSerializer.Deserialize<long[][]>(epoch.ConfusionMatrixJson)!;
            Assert.Equal(TaskSpec.ClassCount, confusion.Length);
            Assert.Equal(50, confusion.Sum(row => row.Sum())); // 10 validation samples per class
        }

        Assert.Equal(["best", "last"], experiment.Checkpoints.Select(c => c.Kind).Order());
        foreach (var checkpoint in experiment.Checkpoints)
        {
            Assert.True(File.Exists(checkpoint.Path));
            Assert.Equal(CheckpointFile.FileSha256(checkpoint.Path), checkpoint.Sha256);
        }
        Assert.Equal(TrainedRunFixture.Epochs, experiment.Checkpoints.Single(c => c.Kind == "last").Epoch);
        Assert.Equal(experiment.BestEpoch, experiment.Checkpoints.Single(c => c.Kind == "best").Epoch);
    }

    [Fact]
    public async Task CheckpointCarriesEverythingToRebuildTheModel()
    {
        var contents = CheckpointFile.Read(run.Result.BestCheckpoint!);
        var meta = contents.Metadata;
        Assert.Equal("tiny_test_cnn", meta.ArchitectureName);
        Assert.Equal(TaskSpec.Classes, meta.Classes);
        Assert.Equal(64, meta.ImageHeight);
        Assert.Equal(run.Result.ExperimentId, meta.ExperimentId);
        Assert.Equal(DatasetIdentity.Compute(run.DatasetFolder), meta.DatasetIdentity);
        Assert.Equal("glyph_profile", meta.EmbedderName);
        Assert.Equal("best", meta.Kind);
        Assert.True(contents.OptimizerState.Length > 0);

        // Re-evaluating the rebuilt model reproduces the validation F1 recorded for that epoch.
        var registry = run.Host.Services.GetRequiredService<PluginRegistry>();
        using var loaded = run.Host.Services.GetRequiredService<CheckpointLoader>().Load(run.Result.BestCheckpoint!, CPU);
        var dataset = CaptionDataset.Load(run.DatasetFolder, registry.GetEmbedder(meta.EmbedderName), new ImageTransform(64, 64));
        var (_, metrics) = Trainer.Evaluate(loaded.Model, dataset, dataset.Validation, 16, CPU);
        Assert.Equal(meta.ValMacroF1, metrics.MacroF1, 6);

        var recorded = await run.Host.QueryDb(db => db.EpochMetrics.SingleAsync(m => m.ExperimentId == meta.ExperimentId && m.Epoch == meta.Epoch));
        Assert.Equal(recorded.ValMacroF1, metrics.MacroF1, 6);
    }

    [Fact]
    public async Task InferFromTheCheckpointAloneWritesPredictions()
    {
        using var temp = new TempFolder();
        var output = temp.Combine("predictions.jsonl");
        var result = await run.Host.SendAsync(new RunInferenceCommand(run.DatasetFolder, run.Result.BestCheckpoint!, output));

        Assert.Equal(200, result.Predictions.Count);
        Assert.All(result.Predictions, p =>
        {
            Assert.Contains(p.PredictedClass, TaskSpec.Classes);
            Assert.InRange(p.Confidence, 0.2, 1.0);
            Assert.Equal(1.0, p.Probabilities.Values.Sum(), 4);
        });
        Assert.True(result.Accuracy > 0.85, $"accuracy {result.Accuracy}");
        var lines = File.ReadAllLines(output);
        Assert.Equal(200, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Contains(first.RootElement.GetProperty("predicted_class").GetString(), TaskSpec.Classes);
    }

    [Fact]
    public async Task ExperimentsAreQueryableByArchitectureAndBestF1()
    {
        var rows = await run.Host.SendAsync(new ListExperimentsQuery(Architecture: "tiny_test_cnn"));
        Assert.Contains(rows, r => r.Id == run.Result.ExperimentId && r.EpochsRecorded == TrainedRunFixture.Epochs);
        var none = await run.Host.SendAsync(new ListExperimentsQuery(Architecture: "shared_backbone_resnet50"));
        Assert.DoesNotContain(none, r => r.Id == run.Result.ExperimentId);
    }
}
