using System.Text.Json;
using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Application.Features.Training;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Checkpoints;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Infrastructure.Training;
using CaptionBoundaries.Tests.Support;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Tests.Training;

/// <summary>A host with a dataset that has a test split (15 train, 10 validation, 15 test samples) and one that has none.</summary>
public sealed class RecipeRunFixture : IAsyncLifetime
{
    public AppHost Host { get; private set; } = null!;
    public string WithTest { get; private set; } = null!;
    public string WithoutTest { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await AppHost.StartAsync();
        WithTest = Path.Combine(Host.DataFolder, "datasets", "with-test");
        WithoutTest = Path.Combine(Host.DataFolder, "datasets", "without-test");
        SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions
        {
            OutputFolder = WithTest,
            SamplesPerClass = 8,
            Seed = 5,
            Width = 48,
            Height = 32,
            ValidationFraction = 0.25,
            TestFraction = 0.375,
        });
        SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions
        {
            OutputFolder = WithoutTest,
            SamplesPerClass = 5,
            Seed = 6,
            Width = 48,
            Height = 32,
            ValidationFraction = 0.4,
        });
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// The recipe through the runner and the tracking store: per-step losses as run metrics with their global steps, the
/// recipe recorded on the run and in its checkpoints, early stopping ending a run as Completed with its reason, the test
/// split evaluated once and recorded apart from validation, and bad recipes or model configs refused by field.
/// </summary>
public sealed class RecipeRunRecordingTests(RecipeRunFixture fx) : IClassFixture<RecipeRunFixture>
{
    private RunSpec Run(string name, string dataset, TrainingRecipe recipe, int epochs = 2) => new()
    {
        Name = name,
        DatasetFolder = dataset,
        Architecture = "tiny_test_cnn",
        ModelConfig = new Dictionary<string, string> { ["width"] = "4" },
        LearningRate = 3e-3,
        BatchSize = 4,
        Epochs = epochs,
        Seed = 3,
        ImageHeight = 32,
        ImageWidth = 32,
        Recipe = recipe,
    };

    [Theory]
    // 15 train samples in batches of 4: 4 batches an epoch. One batch a step: 8 steps, logged at 2, 4, 6, 8.
    [InlineData(1, 2, new long[] { 2, 4, 6, 8 })]
    // Three batches a step: 2 steps an epoch (3 + 1 batches), 4 in all; logged at 3 and at the run's last step.
    [InlineData(3, 3, new long[] { 3, 4 })]
    public async Task Step_losses_are_recorded_as_run_metrics_at_their_global_steps_and_handed_to_observers(int accumulation, int every, long[] expected)
    {
        var live = new List<StepLoss>();
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var result = await fx.Host.SendAsync(new TrainModelCommand(Run($"steps-{accumulation}", fx.WithTest,
            new TrainingRecipe { GradAccumulationSteps = accumulation, LogEveryNSteps = every }))
        {
            Observers = new RunObservers { OnSteps = points => { lock (live) live.AddRange(points); } },
        });
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        Assert.Equal(ExperimentStatus.Completed, result.Status);
        var rows = await fx.Host.QueryDb(db => db.RunMetrics.Where(m => m.ExperimentId == result.ExperimentId).OrderBy(m => m.Step).ToListAsync());
        Assert.All(rows, r => Assert.Equal(StepLoss.MetricKey, r.Key));
        Assert.Equal(expected, rows.Select(r => r.Step));
        Assert.All(rows, r => Assert.True(!r.IsNaN && r.Value > 0 && r.Value < 10, $"step {r.Step}: loss {r.Value}"));
        Assert.All(rows, r => Assert.InRange(r.TimestampMs, before, after));
        // Observers heard exactly the recorded points, once each, after they were saved.
        Assert.Equal(rows.Select(r => (r.Step, r.Value)), live.Select(p => (p.Step, p.Loss)));

        // The run page's series is the same.
        var detail = await fx.Host.SendAsync(new GetExperimentDetailQuery(result.ExperimentId.ToString()));
        Assert.Equal(expected, detail.TrainLossSteps.Select(p => p.Step));
    }

    [Fact]
    public async Task The_recipe_is_recorded_on_the_run_and_in_its_checkpoints_and_a_resume_reads_it_back()
    {
        var recipe = new TrainingRecipe
        {
            LrSchedule = LearningRateSchedule.Cosine,
            WarmupSteps = 3,
            GradClipNorm = 2.5,
            LabelSmoothing = 0.05,
            ClassWeighting = ClassWeights.Balanced,
            GradAccumulationSteps = 2,
            EarlyStoppingPatience = 4,
            LogEveryNSteps = 5,
        };
        var result = await fx.Host.SendAsync(new TrainModelCommand(Run("recorded", fx.WithTest, recipe, epochs: 1)));
        Assert.Equal(ExperimentStatus.Completed, result.Status);

        var row = await fx.Host.QueryDb(db => db.Experiments.SingleAsync(e => e.Id == result.ExperimentId));
        var recorded = JsonSerializer.Deserialize<Dictionary<string, string>>(row.HyperparametersJson)!;
        Assert.Equal("cosine", recorded["lr_schedule"]);
        Assert.Equal("3", recorded["warmup_steps"]);
        Assert.Equal("2.5", recorded["grad_clip_norm"]);
        Assert.Equal("balanced", recorded["class_weighting"]);
        Assert.Equal("2", recorded["grad_accumulation_steps"]);
        Assert.Equal("auto", recorded["mixed_precision"]);
        // Asked "auto", trained on the CPU: off, and recorded as such.
        Assert.Equal("off", recorded["mixed_precision_effective"]);
        var checkpoint = CheckpointFile.Read(result.BestCheckpoint!).Metadata.Hyperparameters;
        Assert.Equal("cosine", checkpoint["lr_schedule"]);
        Assert.Equal("0.05", checkpoint["label_smoothing"]);
        Assert.Equal("off", checkpoint["mixed_precision_effective"]);

        Assert.Equal(recipe, row.ToRunSpec().Recipe);
    }

    [Fact]
    public async Task Early_stopping_completes_the_run_before_its_budget_and_says_why()
    {
        // No epoch can beat the first by more than 0.99 macro-F1: a flat run as far as early stopping is concerned.
        var result = await fx.Host.SendAsync(new TrainModelCommand(Run("early", fx.WithoutTest,
            new TrainingRecipe { EarlyStoppingPatience = 2, EarlyStoppingMinDelta = 0.99 }, epochs: 10)));

        Assert.Equal(ExperimentStatus.Completed, result.Status);
        Assert.Null(result.FailureReason);
        var row = await fx.Host.QueryDb(db => db.Experiments.Include(e => e.Epochs).SingleAsync(e => e.Id == result.ExperimentId));
        Assert.Equal([1, 2, 3], row.Epochs.Select(e => e.Epoch).Order());
        Assert.Null(row.FailureReason);
        var detail = await fx.Host.SendAsync(new GetExperimentDetailQuery(result.ExperimentId.ToString()));
        Assert.Equal("Completed", detail.Status);
        Assert.Contains("stopped early after epoch 3", detail.StoppedEarly);
        Assert.Equal("10", detail.Hyperparameters["epochs"]);

        var full = await fx.Host.SendAsync(new TrainModelCommand(Run("not-early", fx.WithoutTest, TrainingRecipe.Default, epochs: 2)));
        Assert.Null((await fx.Host.SendAsync(new GetExperimentDetailQuery(full.ExperimentId.ToString()))).StoppedEarly);
    }

    [Fact]
    public async Task The_test_split_is_evaluated_once_with_the_best_checkpoint_and_recorded_apart_from_validation()
    {
        var result = await fx.Host.SendAsync(new TrainModelCommand(Run("tested", fx.WithTest, TrainingRecipe.Default, epochs: 3)));

        var row = await fx.Host.QueryDb(db => db.Experiments.Include(e => e.Epochs).SingleAsync(e => e.Id == result.ExperimentId));
        Assert.NotNull(row.TestMacroF1);
        var confusion = JsonSerializer.Deserialize<long[][]>(row.TestConfusionMatrixJson!)!;
        Assert.Equal(15, confusion.Sum(r => r.Sum()));
        Assert.All(row.Epochs, e => Assert.Equal(10, JsonSerializer.Deserialize<long[][]>(e.ConfusionMatrixJson)!.Sum(r => r.Sum())));
        Assert.Equal(TaskSpec.Classes.Order(), JsonSerializer.Deserialize<Dictionary<string, double>>(row.TestPerClassF1Json!)!.Keys.Order());

        // The numbers are the best checkpoint's on the test samples, evaluated here independently of the runner.
        var manifest = DatasetManifest.Load(fx.WithTest);
        var bestMetadata = CheckpointFile.Read(result.BestCheckpoint!).Metadata;
        Assert.Equal(row.BestEpoch, bestMetadata.Epoch);
        var detail = await fx.Host.SendAsync(new GetExperimentDetailQuery(result.ExperimentId.ToString()));
        Assert.NotNull(detail.Test);
        Assert.Equal(row.TestMacroF1!.Value, detail.Test.MacroF1);
        Assert.Equal(row.TestAccuracy!.Value, detail.Test.Accuracy);
        Assert.Equal(15, manifest.Samples.Count(s => s.Split == DatasetSplit.Test));

        // No test split: nothing recorded.
        var none = await fx.Host.SendAsync(new TrainModelCommand(Run("untested", fx.WithoutTest, TrainingRecipe.Default, epochs: 1)));
        var untested = await fx.Host.QueryDb(db => db.Experiments.SingleAsync(e => e.Id == none.ExperimentId));
        Assert.Equal(ExperimentStatus.Completed, none.Status);
        Assert.Null(untested.TestMacroF1);
        Assert.Null(untested.TestLoss);
        Assert.Null(untested.TestConfusionMatrixJson);
        Assert.Null((await fx.Host.SendAsync(new GetExperimentDetailQuery(none.ExperimentId.ToString()))).Test);
    }

    [Fact]
    public async Task A_plan_evaluates_its_test_split_once_on_the_parent_with_the_best_stages_checkpoint()
    {
        var plan = Run("planned", fx.WithTest, TrainingRecipe.Default) with
        {
            Stages = [new TrainingStage { Name = "a", Epochs = 1 }, new TrainingStage { Name = "b", Epochs = 1, LearningRate = 1e-3 }],
        };
        var result = await fx.Host.SendAsync(new TrainModelCommand(plan));

        Assert.Equal(ExperimentStatus.Completed, result.Status);
        var runs = await fx.Host.QueryDb(db => db.Experiments.Where(e => e.Id == result.ExperimentId || e.ParentExperimentId == result.ExperimentId).ToListAsync());
        var parent = runs.Single(r => r.Id == result.ExperimentId);
        Assert.NotNull(parent.TestMacroF1);
        Assert.Equal(15, JsonSerializer.Deserialize<long[][]>(parent.TestConfusionMatrixJson!)!.Sum(r => r.Sum()));
        Assert.All(runs.Where(r => r.ParentExperimentId is not null), r => Assert.Null(r.TestMacroF1));
        // Each stage records its own step losses (4 steps each, logged at its last); the parent's page shows them one after the other.
        var detail = await fx.Host.SendAsync(new GetExperimentDetailQuery(result.ExperimentId.ToString()));
        Assert.Equal([4L, 8L], detail.TrainLossSteps.Select(p => p.Step));
    }

    [Fact]
    public async Task A_bad_recipe_is_refused_field_by_field_and_nothing_is_stored()
    {
        var before = await fx.Host.QueryDb(db => db.Experiments.CountAsync());
        var error = await Assert.ThrowsAsync<ValidationException>(() => fx.Host.SendAsync(new TrainModelCommand(Run("bad-recipe", fx.WithTest, new TrainingRecipe
        {
            LrSchedule = "exponential",
            WarmupSteps = -1,
            LrGamma = 0,
            EarlyStoppingPatience = -2,
            EarlyStoppingMinDelta = 1.5,
            GradClipNorm = -1,
            ClassWeighting = "inverse",
            LabelSmoothing = 1,
            GradAccumulationSteps = 0,
            MixedPrecision = "fp16",
            LogEveryNSteps = 0,
            LrStepEpochs = 0,
        }))));

        Assert.Equal(
            new[] { "class_weighting", "early_stopping_min_delta", "early_stopping_patience", "grad_accumulation_steps", "grad_clip_norm",
                "label_smoothing", "log_every_n_steps", "lr_gamma", "lr_schedule", "lr_step_epochs", "mixed_precision", "warmup_steps" },
            error.Errors.Select(e => e.PropertyName).Distinct().Order());
        var oneCycle = await Assert.ThrowsAsync<ValidationException>(() => fx.Host.SendAsync(new TrainModelCommand(Run("one-cycle-warmup", fx.WithTest,
            new TrainingRecipe { LrSchedule = LearningRateSchedule.OneCycle, WarmupSteps = 5 }))));
        Assert.Contains(oneCycle.Errors, e => e.PropertyName == "warmup_steps" && e.ErrorMessage.Contains("one_cycle"));
        Assert.Equal(before, await fx.Host.QueryDb(db => db.Experiments.CountAsync()));
    }

    [Theory]
    [InlineData("channel_fusion_lora_resnet50", "lora_rank", "-3", "between 1 and 1024")]
    [InlineData("channel_fusion_lora_resnet50", "lora_alpha", "0", "greater than 0")]
    [InlineData("triple_backbone_resnet50", "dropout", "2", "between 0 and 0.9")]
    [InlineData("tiny_test_cnn", "width", "wide", "must be an integer")]
    public async Task A_model_config_value_the_architecture_refuses_is_a_field_error_at_submit_time(string architecture, string key, string value, string message)
    {
        var before = await fx.Host.QueryDb(db => db.Experiments.CountAsync());
        var error = await Assert.ThrowsAsync<ValidationException>(() => fx.Host.SendAsync(new TrainModelCommand(Run("bad-config", fx.WithTest, TrainingRecipe.Default) with
        {
            Architecture = architecture,
            ModelConfig = new Dictionary<string, string> { [key] = value },
        })));

        var failure = Assert.Single(error.Errors, e => e.PropertyName == $"model_config.{key}");
        Assert.Contains(message, failure.ErrorMessage);
        Assert.Equal(before, await fx.Host.QueryDb(db => db.Experiments.CountAsync()));
    }
}
