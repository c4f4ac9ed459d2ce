using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Application.Features.Training;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Checkpoints;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Tracking;
using CaptionBoundaries.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;

namespace CaptionBoundaries.Tests.Training;

/// <summary>Multi-stage plans on the tiny CNN: child runs, their trainable parameters, weights handed from stage to stage, resume.</summary>
public sealed class MultiStageTrainingTests(SmallDatasetFixture data) : IClassFixture<SmallDatasetFixture>
{
    private static readonly TrainingStage Head = new() { Name = "head", Epochs = 2, LearningRate = 0.01, Freeze = ["features"] };
    private static readonly TrainingStage Finetune = new() { Name = "finetune", Epochs = 2, LearningRate = 0.002 };

    private RunSpec Plan(string name, params TrainingStage[] stages) => new()
    {
        DatasetFolder = data.DatasetFolder,
        Name = name,
        Architecture = "tiny_test_cnn",
        ModelConfig = new Dictionary<string, string> { ["width"] = "8" },
        BatchSize = 8,
        ImageHeight = 32,
        ImageWidth = 32,
        Seed = 11,
        Stages = stages,
    };

    /// <summary>Counted here from a fresh model, independently of the trainer: all parameters, and those under "features".</summary>
    private (long Total, long Features) ExpectedCounts()
    {
        var architecture = data.Host.Services.GetRequiredService<PluginRegistry>().GetArchitecture("tiny_test_cnn");
        using var model = architecture.Create(architecture.DefaultConfig.MergeOverrides(new Dictionary<string, string> { ["width"] = "8" }, "tiny_test_cnn"));
        var all = model.named_parameters().ToList();
        return (all.Sum(p => p.parameter.numel()), all.Where(p => p.name.StartsWith("features.")).Sum(p => p.parameter.numel()));
    }

    [Fact]
    public async Task A_two_stage_plan_records_two_child_runs_with_their_trainable_parameter_counts()
    {
        var result = await data.Host.SendAsync(new TrainModelCommand(Plan("two-stage", Head, Finetune)));

        Assert.Equal(ExperimentStatus.Completed, result.Status);
        var children = await data.Host.QueryDb(db => db.Experiments.Include(e => e.Epochs)
            .Where(e => e.ParentExperimentId == result.ExperimentId).OrderBy(e => e.StageIndex).ToListAsync());
        Assert.Equal(["head", "finetune"], children.Select(c => c.StageName));
        Assert.All(children, c => Assert.Equal(ExperimentStatus.Completed, c.Status));
        Assert.All(children, c => Assert.Equal([1, 2], c.Epochs.Select(m => m.Epoch).Order()));

        var (total, features) = ExpectedCounts();
        Assert.True(features > 0 && features < total);
        Assert.Equal((total, total - features), (children[0].TotalParameters, children[0].TrainableParameters));
        Assert.Equal((total, total), (children[1].TotalParameters, children[1].TrainableParameters));
        Assert.Contains("\"lr\":\"0.01\"", children[0].HyperparametersJson);
        Assert.Contains("\"lr\":\"0.002\"", children[1].HyperparametersJson);

        // The parent: one timeline of 4 epochs, the best of any stage, checkpoints pointing at the stages' files.
        var detail = await data.Host.SendAsync(new GetExperimentDetailQuery(result.ExperimentId.ToString("N")));
        Assert.Equal([1, 2, 3, 4], detail.Epochs.Select(e => e.Epoch));
        Assert.Equal([(1, 2), (3, 4)], detail.Stages.Select(s => (s.FirstEpoch, s.LastEpoch)));
        Assert.Equal(children.Max(c => c.BestValMacroF1), detail.BestValMacroF1);
        Assert.Equal(["best", "last"], detail.Checkpoints.Select(c => c.Kind));
        Assert.Equal(result.LastCheckpoint, detail.Checkpoints.Single(c => c.Kind == "last").Path);

        // Stages are listed under their experiment, not beside it.
        var listed = await data.Host.SendAsync(new ListExperimentsQuery(SortBy: "created"));
        Assert.Contains(listed, e => e.Id == result.ExperimentId && e.EpochsRecorded == 4);
        Assert.DoesNotContain(listed, e => children.Any(c => c.Id == e.Id));
    }

    [Fact]
    public async Task A_frozen_stage_leaves_its_frozen_weights_untouched_and_the_next_stage_starts_from_its_end()
    {
        var result = await data.Host.SendAsync(new TrainModelCommand(Plan("frozen-check", Head, Finetune)));
        var children = await data.Host.QueryDb(db => db.Experiments.Include(e => e.Checkpoints)
            .Where(e => e.ParentExperimentId == result.ExperimentId).OrderBy(e => e.StageIndex).ToListAsync());
        var architecture = data.Host.Services.GetRequiredService<PluginRegistry>().GetArchitecture("tiny_test_cnn");
        var config = architecture.DefaultConfig.MergeOverrides(new Dictionary<string, string> { ["width"] = "8" }, "tiny_test_cnn");

        torch.manual_seed(11);
        using var initial = architecture.Create(config);
        using var afterHead = architecture.Create(config);
        ModelStateBytes.Load(afterHead, CheckpointFile.Read(children[0].Checkpoints.Single(c => c.Kind == "last").Path).ModelState);
        using var afterFinetune = architecture.Create(config);
        ModelStateBytes.Load(afterFinetune, CheckpointFile.Read(children[1].Checkpoints.Single(c => c.Kind == "last").Path).ModelState);

        static torch.Tensor Param(torch.nn.Module m, string name) => m.named_parameters().Single(p => p.name == name).parameter;
        Assert.True(Param(initial, "features.conv1.weight").equal(Param(afterHead, "features.conv1.weight")).all().item<bool>(), "stage 'head' froze features");
        Assert.False(Param(initial, "output.weight").equal(Param(afterHead, "output.weight")).all().item<bool>(), "stage 'head' trained the output layer");
        Assert.False(Param(afterHead, "features.conv1.weight").equal(Param(afterFinetune, "features.conv1.weight")).all().item<bool>(), "stage 'finetune' unfroze features");
    }

    [Fact]
    public async Task Resuming_a_plan_cut_off_in_its_second_stage_skips_the_first_and_continues_the_second()
    {
        using var cancel = new CancellationTokenSource();
        var command = new TrainModelCommand(Plan("resumable", Head, Finetune with { Epochs = 3 }))
        {
            // Cut off after the first epoch of the second stage (epoch 3 on the plan's timeline).
            Observers = new RunObservers(OnEpoch: e => { if (e.Epoch == 3) cancel.Cancel(); }),
        };
        var first = await data.Host.SendAsync(command, cancel.Token);
        Assert.Equal(ExperimentStatus.Cancelled, first.Status);
        var before = await data.Host.QueryDb(db => db.Experiments.AsNoTracking().Include(e => e.Epochs)
            .Where(e => e.ParentExperimentId == first.ExperimentId).OrderBy(e => e.StageIndex).ToListAsync());
        Assert.Equal([ExperimentStatus.Completed, ExperimentStatus.Cancelled], before.Select(c => c.Status));
        Assert.Equal([1], before[1].Epochs.Select(m => m.Epoch));

        var seen = new List<int>();
        var resumed = await data.Host.SendAsync(new ResumeExperimentCommand(first.ExperimentId.ToString("N")) { OnEpoch = e => seen.Add(e.Epoch) });

        Assert.Equal(ExperimentStatus.Completed, resumed.Status);
        Assert.Equal(first.ExperimentId, resumed.ExperimentId);
        Assert.Equal([4, 5], seen);
        var after = await data.Host.QueryDb(db => db.Experiments.AsNoTracking().Include(e => e.Epochs)
            .Where(e => e.ParentExperimentId == first.ExperimentId).OrderBy(e => e.StageIndex).ToListAsync());
        Assert.Equal(before[0].FinishedAtUtc, after[0].FinishedAtUtc);
        Assert.Equal([1, 2, 3], after[1].Epochs.Select(m => m.Epoch).Order());
        Assert.Equal(ExperimentStatus.Completed, after[1].Status);
    }

    [Fact]
    public async Task A_pattern_that_matches_nothing_is_refused_naming_the_stage_and_nothing_is_stored()
    {
        var before = await data.Host.QueryDb(db => db.Experiments.CountAsync());

        var error = await Refused.As(DomainErrorKind.Invalid, () =>
            data.Host.SendAsync(new TrainModelCommand(Plan("typo", Head, Finetune with { Freeze = ["featurez"] }))));

        Assert.Contains("stages[1].freeze", error.Message);
        Assert.Contains("featurez", error.Message);
        Assert.Equal(before, await data.Host.QueryDb(db => db.Experiments.CountAsync()));
    }

    [Fact]
    public async Task A_stage_that_freezes_everything_is_refused()
    {
        var error = await Refused.As(DomainErrorKind.Invalid, () =>
            data.Host.SendAsync(new TrainModelCommand(Plan("all-frozen", Head with { Freeze = ["*"] }))));

        Assert.Contains("stages[0]", error.Message);
        Assert.Contains("nothing would train", error.Message);
    }
}
