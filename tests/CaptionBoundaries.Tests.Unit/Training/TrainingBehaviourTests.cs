using CaptionBoundaries.Application.Features.Training;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Infrastructure.Tracking;
using CaptionBoundaries.Tests.Support;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Tests.Training;

public sealed class TrainingBehaviourTests(SmallDatasetFixture data) : IClassFixture<SmallDatasetFixture>
{
    private RunSpec Run(string name, int epochs, int seed = 5) =>
        TrainedRunFixture.TinyRun(data.DatasetFolder, name, epochs, seed) with { ImageHeight = 32, ImageWidth = 32, BatchSize = 8 };

    [Fact]
    public async Task SameSeedGivesTheSameRun()
    {
        var a = await data.Host.SendAsync(new TrainModelCommand(Run("seed-a", 2)));
        var b = await data.Host.SendAsync(new TrainModelCommand(Run("seed-b", 2)));
        var c = await data.Host.SendAsync(new TrainModelCommand(Run("seed-c", 2, seed: 6)));
        var losses = await data.Host.QueryDb(db => db.EpochMetrics
            .Where(m => m.ExperimentId == a.ExperimentId || m.ExperimentId == b.ExperimentId || m.ExperimentId == c.ExperimentId)
            .ToListAsync());
        double[] Of(Guid id) => losses.Where(m => m.ExperimentId == id).OrderBy(m => m.Epoch).Select(m => m.TrainLoss).ToArray();

        Assert.Equal(2, Of(a.ExperimentId).Length);
        Assert.Equal(Of(a.ExperimentId), Of(b.ExperimentId));
        Assert.NotEqual(Of(a.ExperimentId), Of(c.ExperimentId));
    }

    [Fact]
    public async Task ResumeContinuesAfterTheLastRecordedEpoch()
    {
        var first = await data.Host.SendAsync(new TrainModelCommand(Run("resume-1", 2)));
        Assert.Equal(ExperimentStatus.Completed, first.Status);
        var resumed = await data.Host.SendAsync(new TrainModelCommand(Run("resume-2", 3) with { ResumeFrom = first.LastCheckpoint }));

        Assert.Equal(ExperimentStatus.Completed, resumed.Status);
        var epochs = await data.Host.QueryDb(db => db.EpochMetrics.Where(m => m.ExperimentId == resumed.ExperimentId).Select(m => m.Epoch).ToListAsync());
        Assert.Equal([3], epochs);

        // A straight 3-epoch run of the same seed reaches the same third-epoch training loss.
        var straight = await data.Host.SendAsync(new TrainModelCommand(Run("resume-straight", 3)));
        var loss = await data.Host.QueryDb(db => db.EpochMetrics
            .Where(m => (m.ExperimentId == resumed.ExperimentId || m.ExperimentId == straight.ExperimentId) && m.Epoch == 3)
            .Select(m => m.TrainLoss).ToListAsync());
        Assert.Equal(loss[0], loss[1], 4);
    }

    [Fact]
    public async Task ResumeRefusesACheckpointOfAnotherConfig()
    {
        var first = await data.Host.SendAsync(new TrainModelCommand(Run("resume-config-1", 1)));
        var other = await data.Host.SendAsync(new TrainModelCommand(Run("resume-config-2", 2) with
        {
            ResumeFrom = first.LastCheckpoint,
            ModelConfig = new Dictionary<string, string> { ["width"] = "8" },
        }));
        Assert.Equal(ExperimentStatus.Failed, other.Status);
        Assert.Contains("model config", other.FailureReason);
    }

    [Fact]
    public async Task CancelledRunIsRecordedAsCancelled()
    {
        using var cts = new CancellationTokenSource();
        var result = await data.Host.SendAsync(new TrainModelCommand(Run("cancel", 50)) { Observers = new RunObservers(OnEpoch: _ => cts.Cancel()) }, cts.Token);

        Assert.Equal(ExperimentStatus.Cancelled, result.Status);
        var experiment = await data.Host.QueryDb(db => db.Experiments.Include(e => e.Epochs).SingleAsync(e => e.Id == result.ExperimentId));
        Assert.Equal(ExperimentStatus.Cancelled, experiment.Status);
        Assert.Single(experiment.Epochs);
        Assert.NotNull(experiment.FinishedAtUtc);
    }

    [Fact]
    public async Task AFailingRunIsRecordedWithItsReason()
    {
        // The manifest passes the identity check but one image is unreadable, so loading fails after the run is recorded.
        using var temp = new TempFolder();
        TestPaths.CopyFolder(data.DatasetFolder, temp.Path);
        var image = Directory.EnumerateFiles(temp.Combine("images"), "*.png").First();
        File.WriteAllBytes(image, [1, 2, 3, 4]);

        var result = await data.Host.SendAsync(new TrainModelCommand(TrainedRunFixture.TinyRun(temp.Path, "broken-data", 1)));

        Assert.Equal(ExperimentStatus.Failed, result.Status);
        Assert.Contains(Path.GetFileName(image), result.FailureReason);
        var stored = await data.Host.QueryDb(db => db.Experiments.SingleAsync(e => e.Id == result.ExperimentId));
        Assert.Equal(ExperimentStatus.Failed, stored.Status);
        Assert.Equal(result.FailureReason, stored.FailureReason);
    }

    [Fact]
    public async Task BadHyperparametersAreRefusedWithTheFieldNamedAndNothingStored()
    {
        var before = await data.Host.QueryDb(db => db.Experiments.CountAsync());
        var error = await Assert.ThrowsAsync<ValidationException>(() =>
            data.Host.SendAsync(new TrainModelCommand(Run("bad", 1) with { BatchSize = 0, LearningRate = -1 })));
        Assert.Contains(error.Errors, e => e.PropertyName == "batch_size");
        Assert.Contains(error.Errors, e => e.PropertyName == "lr");
        Assert.Equal(before, await data.Host.QueryDb(db => db.Experiments.CountAsync()));
    }

    [Fact]
    public async Task UnknownArchitectureAndConfigKeyAreNamed()
    {
        var unknown = await Assert.ThrowsAsync<UnknownPluginException>(() =>
            data.Host.SendAsync(new TrainModelCommand(Run("unknown", 1) with { Architecture = "resnet_9000" })));
        Assert.Contains("resnet_9000", unknown.Message);
        Assert.Contains("tiny_test_cnn", unknown.Message);

        // Checked with the other fields, before anything is stored: a field error naming the key.
        var badKey = await Assert.ThrowsAsync<ValidationException>(() =>
            data.Host.SendAsync(new TrainModelCommand(Run("bad-key", 1) with { ModelConfig = new Dictionary<string, string> { ["widht"] = "3" } })));
        Assert.Contains(badKey.Errors, e => e.PropertyName == "model_config.widht" && e.ErrorMessage.Contains("unknown model config key 'widht'"));
    }
}
