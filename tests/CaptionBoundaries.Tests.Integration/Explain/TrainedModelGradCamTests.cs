using System.Text.Json;
using CaptionBoundaries.Application.Features.Explain;
using CaptionBoundaries.Application.Features.Inference;
using CaptionBoundaries.Application.Features.Training;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Explain;
using CaptionBoundaries.Domain.Inference;
using CaptionBoundaries.Host.Cli;
using CaptionBoundaries.Tests.Support;
using FluentValidation;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static TorchSharp.torch;

namespace CaptionBoundaries.Tests.Explain;

/// <summary>
/// Explanations of a really trained tiny CNN (synthetic captions sit at the bottom of the frame): the heat follows the
/// caption, the console's per-cell listing is exactly the cell, and the CLI writes the overlays.
/// </summary>
public sealed class TrainedModelGradCamTests(TrainedRunFixture run) : IClassFixture<TrainedRunFixture>
{
    private ExplainSession Open(string? checkpoint = null) =>
        ExplainSession.Open(run.Host.Services.GetRequiredService<CheckpointLoader>(), checkpoint ?? run.Result.BestCheckpoint!, run.DatasetFolder, CPU);

    [Fact]
    public void Heat_follows_the_caption_when_it_moves_from_the_bottom_to_the_top()
    {
        using var session = Open();
        var transform = session.Dataset.Transform;
        var (height, width) = (transform.Height, transform.Width);
        // Every validation sample with a caption in at least one frame, as drawn (bottom) and upside down (top).
        var captioned = session.Dataset.Validation.Where(s => s.LabelName != "empty_empty").ToList();
        Assert.Equal(40, captioned.Count);
        using var asDrawn = CaptionDataset.MakeBatch(captioned, transform, CPU);
        using var upsideDown = CaptionDataset.MakeBatch(captioned.Select(s => UpsideDown(s, transform)).ToList(), transform, CPU);

        var bottom = GradCam.Explain(session.Model.Model, asDrawn.Inputs);
        var top = GradCam.Explain(session.Model.Model, upsideDown.Inputs);

        for (var i = 0; i < captioned.Count; i++)
        {
            // tiny_test_cnn stacks the images as channels: one map, the same for all three inputs.
            var maps = bottom[i].Heatmaps;
            Assert.All(maps, m => Assert.Equal(2, m.SharedWith.Count));
            var below = maps.Single(m => m.Input == TaskSpec.OcrViz).Values;
            var above = top[i].Heatmaps.Single(m => m.Input == TaskSpec.OcrViz).Values;
            Assert.All(below, v => Assert.InRange(v, 0f, 1f));
            Assert.All(above, v => Assert.InRange(v, 0f, 1f));

            var lowerHalfBefore = BandInputs.MassInRows(below, width, height / 2, height);
            var lowerHalfAfter = BandInputs.MassInRows(above, width, height / 2, height);
            var id = captioned[i].Id;
            Assert.True(lowerHalfBefore > 0.75, $"{id}: only {lowerHalfBefore:P0} of the heat is in the lower half, where the caption is");
            Assert.True(lowerHalfAfter < 0.25, $"{id} upside down: {lowerHalfAfter:P0} of the heat is still in the lower half; the caption is now at the top");
            var moved = BandInputs.CentroidRow(below, width) - BandInputs.CentroidRow(above, width);
            Assert.True(moved > height / 4.0, $"{id}: the heat moved up by only {moved:F1} rows of {height}");
        }
    }

    [Fact]
    public async Task Each_confusion_cell_lists_exactly_the_validation_samples_predicted_that_way()
    {
        // One epoch leaves mistakes to list; the fixture's 8-epoch run barely makes any.
        var rough = await run.Host.SendAsync(new TrainModelCommand(TrainedRunFixture.TinyRun(run.DatasetFolder, "rough", epochs: 1, seed: 9)));
        var experiment = await run.Host.QueryDb(db => db.Experiments.Include(e => e.Epochs).SingleAsync(e => e.Id == rough.ExperimentId));
        var matrix = JsonSerializer.Deserialize<int[][]>(experiment.Epochs.Single(e => e.Epoch == experiment.BestEpoch).ConfusionMatrixJson)!;

        // The reference: the predictions `infer` makes with the same checkpoint, on the validation split.
        var inference = await run.Host.SendAsync(new RunInferenceCommand(run.DatasetFolder, rough.BestCheckpoint!));
        var manifest = DatasetManifest.Parse(File.ReadAllBytes(Path.Combine(run.DatasetFolder, "manifest.json")));
        var validationIds = manifest.Samples.Where(s => s.Split == DatasetSplit.Validation).Select(s => s.Id).ToList();
        var predictions = inference.Predictions.Where(p => validationIds.Contains(p.SampleId)).ToList();
        Assert.Contains(predictions, p => p.PredictedClass != p.TrueClass);

        var listedMistakes = 0;
        for (var t = 0; t < TaskSpec.ClassCount; t++)
        {
            for (var p = 0; p < TaskSpec.ClassCount; p++)
            {
                var (trueClass, predicted) = (TaskSpec.Classes[t], TaskSpec.Classes[p]);
                var expected = predictions.Where(x => x.TrueClass == trueClass && x.PredictedClass == predicted)
                    .Select(x => x.SampleId).OrderBy(validationIds.IndexOf).ToList();
                var cell = await run.Host.SendAsync(new GetConfusionCellSamplesQuery(rough.ExperimentId.ToString("N")[..8], trueClass, predicted, Take: 32));

                Assert.Equal(expected.Count, cell.Total);
                Assert.Equal(matrix[t][p], cell.Total);
                Assert.Equal(expected, cell.Samples.Select(s => s.SampleId).ToList());
                foreach (var sample in cell.Samples)
                {
                    Assert.Equal((trueClass, predicted, predicted), (sample.TrueClass, sample.PredictedClass, sample.ExplainedClass));
                    Assert.Equal(validationIds.IndexOf(sample.SampleId), sample.ValidationIndex);
                    Assert.Equal(GradCam.ImageInputs, sample.Maps.Select(m => m.Input));
                    foreach (var map in sample.Maps)
                    {
                        var overlay = RgbImage.Decode(map.OverlayPng);
                        Assert.Equal((64, 64), (overlay.Width, overlay.Height));
                        Assert.Equal((64, 64), (RgbImage.Decode(map.ImagePng).Width, RgbImage.Decode(map.ImagePng).Height));
                    }
                }
                if (t != p) listedMistakes += cell.Total;
            }
        }
        Assert.Equal(predictions.Count(x => x.PredictedClass != x.TrueClass), listedMistakes);

        // Paging walks the same list.
        var largest = predictions.GroupBy(x => (x.TrueClass!, x.PredictedClass)).MaxBy(g => g.Count())!.Key;
        var full = await run.Host.SendAsync(new GetConfusionCellSamplesQuery(rough.ExperimentId.ToString(), largest.Item1, largest.Item2, Take: 32));
        Assert.True(full.Total > 1);
        var second = await run.Host.SendAsync(new GetConfusionCellSamplesQuery(rough.ExperimentId.ToString(), largest.Item1, largest.Item2, Skip: 1, Take: 1));
        Assert.Equal(full.Samples[1].SampleId, Assert.Single(second.Samples).SampleId);
        Assert.Equal(full.Total, second.Total);
    }

    [Fact]
    public async Task A_validation_sample_of_a_run_is_explained_for_the_class_asked()
    {
        var id = run.Result.ExperimentId.ToString();
        var predicted = await run.Host.SendAsync(new ExplainRunSampleQuery(id, 3));
        var manifest = DatasetManifest.Parse(File.ReadAllBytes(Path.Combine(run.DatasetFolder, "manifest.json")));
        var validation = manifest.Samples.Where(s => s.Split == DatasetSplit.Validation).ToList();

        Assert.Equal(validation[3].Id, predicted.Sample.SampleId);
        Assert.Equal(validation[3].Label, predicted.Sample.TrueClass);
        Assert.Equal(predicted.Sample.PredictedClass, predicted.Sample.ExplainedClass);
        Assert.Equal(validation.Count, predicted.Checkpoint.ValidationSamples);
        Assert.Equal("best", predicted.Checkpoint.Kind);
        Assert.Contains(predicted.Notes, n => n.Contains("same map"));

        var other = TaskSpec.Classes.First(c => c != predicted.Sample.PredictedClass);
        var forOther = await run.Host.SendAsync(new ExplainRunSampleQuery(id, 3, other));
        Assert.Equal(other, forOther.Sample.ExplainedClass);
        Assert.Equal(predicted.Sample.PredictedClass, forOther.Sample.PredictedClass);

        await Refused.As(DomainErrorKind.Invalid, () => run.Host.SendAsync(new ExplainRunSampleQuery(id, validation.Count)));
        await Assert.ThrowsAsync<ValidationException>(() => run.Host.SendAsync(new ExplainRunSampleQuery(id, 0, "nonsense")));
        await Assert.ThrowsAsync<ValidationException>(() => run.Host.SendAsync(new GetConfusionCellSamplesQuery(id, "same", "nope")));
        await Refused.As(DomainErrorKind.NotFound, () => run.Host.SendAsync(new ExplainRunSampleQuery("ffffffff", 0)));
    }

    [Fact]
    public async Task Cli_explain_writes_overlays_of_the_model_input_size()
    {
        using var temp = new TempFolder("cb-explain-cli");
        var output = temp.Combine("out");
        Task<int> Cli(params string[] args) =>
            CliApp.Build().Parse(["--data-dir", temp.Combine("data"), "--plugins", run.Host.PluginsFolder, .. args]).InvokeAsync();
        try
        {
            Assert.Equal(CliErrors.Ok, await Cli("explain", run.DatasetFolder, "--checkpoint", run.Result.BestCheckpoint!, "--out", output, "--limit", "3"));

            var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "explanations.json"))).RootElement;
            var samples = index.GetProperty("samples").EnumerateArray().ToList();
            Assert.Equal(3, samples.Count);
            Assert.NotEmpty(index.GetProperty("notes").EnumerateArray());
            foreach (var sample in samples)
            {
                var folder = Path.Combine(output, sample.GetProperty("sample_id").GetString()!);
                foreach (var input in GradCam.ImageInputs)
                {
                    foreach (var file in new[] { $"{input}.png", $"{input}.grad_cam.png", $"{input}.grad_cam.heatmap.png" })
                    {
                        var image = RgbImage.Load(Path.Combine(folder, file));
                        // The checkpoint's input size (64x64), not the dataset's 96x64 frames.
                        Assert.Equal((64, 64), (image.Width, image.Height));
                    }
                }
            }

            var named = temp.Combine("named");
            Assert.Equal(CliErrors.Ok, await Cli("explain", run.DatasetFolder, "-c", run.Result.BestCheckpoint!, "-o", named, "--sample", "same_0000", "--target", "different"));
            var only = JsonDocument.Parse(File.ReadAllText(Path.Combine(named, "explanations.json"))).RootElement.GetProperty("samples").EnumerateArray().Single();
            Assert.Equal("different", only.GetProperty("explained_class").GetString());

            Assert.Equal(CliErrors.BadInput, await Cli("explain", run.DatasetFolder, "-c", run.Result.BestCheckpoint!, "-o", named, "--target", "nonsense"));
            Assert.Equal(CliErrors.BadInput, await Cli("explain", run.DatasetFolder, "-c", run.Result.BestCheckpoint!, "-o", named, "--sample", "no_such_sample"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
    }

    /// <summary>The sample flipped vertically: images row by row, and the boxes' y coordinates with them.</summary>
    private static DatasetSample UpsideDown(DatasetSample sample, ImageTransform transform)
    {
        byte[] Flip(byte[] planar)
        {
            var result = new byte[planar.Length];
            for (var c = 0; c < 3; c++)
                for (var y = 0; y < transform.Height; y++)
                    Array.Copy(planar, (c * transform.Height + y) * transform.Width,
                        result, (c * transform.Height + transform.Height - 1 - y) * transform.Width, transform.Width);
            return result;
        }
        var features = (float[])sample.SpatialFeatures.Clone();
        foreach (var offset in new[] { 0, TaskSpec.SpatialFeatureCount / 2 })
        {
            if (features[offset] < 0.5f) continue;
            // y0, y1 and center_y of the frame's box (see TaskSpec.SpatialFeatureNames).
            (features[offset + 2], features[offset + 4]) = (1 - features[offset + 4], 1 - features[offset + 2]);
            features[offset + 8] = 1 - features[offset + 8];
        }
        return sample with { Frame1 = Flip(sample.Frame1), Frame2 = Flip(sample.Frame2), OcrViz = Flip(sample.OcrViz), SpatialFeatures = features };
    }
}
