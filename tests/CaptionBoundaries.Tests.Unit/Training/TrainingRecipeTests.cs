using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Checkpoints;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CaptionBoundaries.Tests.Training;

/// <summary>
/// Each recipe option, on real trainer runs of a linear model over a tiny synthetic dataset (20 train, 10 val, 10 test
/// samples at 32 x 32): what the optimiser's rate is at every step, that early stopping ends a flat run, that clipping
/// bounds the norm of the gradients the optimiser steps with, that accumulating gives the big batch's update, that the
/// first step's loss is the weighted, smoothed cross-entropy of its batch, and that the test split is never trained on.
/// </summary>
public sealed class TrainingRecipeTests(RecipeTrainingData data) : IClassFixture<RecipeTrainingData>
{
    private static List<StepLoss> Train(TrainingRunSpec spec)
    {
        var steps = new List<StepLoss>();
        new Trainer().Run(spec, (_, _) => { }, null, CancellationToken.None, onStepLoss: steps.Add);
        return steps;
    }

    [Theory]
    [InlineData(LearningRateSchedule.Cosine, 4)]
    [InlineData(LearningRateSchedule.Step, 2)]
    [InlineData(LearningRateSchedule.OneCycle, 0)]
    [InlineData(LearningRateSchedule.Constant, 3)]
    public void The_optimisers_rate_at_every_step_is_the_schedules(string schedule, int warmup)
    {
        var recipe = new TrainingRecipe { LrSchedule = schedule, WarmupSteps = warmup, LrStepEpochs = 1, LrGamma = 0.5, LogEveryNSteps = 1 };
        // 20 train samples in batches of 4: 5 optimiser steps per epoch, 15 in all.
        var steps = Train(data.Spec(new LinearProbeArchitecture(), recipe, epochs: 3, batchSize: 4, lr: 0.02) with { WriteCheckpoints = false });

        Assert.Equal(Enumerable.Range(1, 15).Select(i => (long)i), steps.Select(s => s.Step));
        var expected = new LearningRateSchedule(schedule, 0.02, totalSteps: 15, stepsPerEpoch: 5, warmup, stepEpochs: 1, gamma: 0.5);
        foreach (var s in steps) Assert.Equal(expected.At((int)s.Step), s.LearningRate, 12);
        Assert.Equal([1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3], steps.Select(s => s.Epoch));
        // The schedule really varies the rate (a constant rate would pass the comparison above for any schedule's first step).
        if (schedule != LearningRateSchedule.Constant) Assert.True(steps.Select(s => s.LearningRate).Distinct().Count() >= 3);
    }

    [Fact]
    public void Early_stopping_ends_a_flat_run_before_its_epoch_budget()
    {
        // lr 0: the weights never move, so validation macro-F1 is the same every epoch and never improves after the first.
        var recipe = new TrainingRecipe { EarlyStoppingPatience = 2 };
        var epochs = new List<EpochResult>();
        var outcome = new Trainer().Run(data.Spec(new LinearProbeArchitecture(), recipe, epochs: 10, lr: 0) with { WriteCheckpoints = false },
            (e, _) => epochs.Add(e), null, CancellationToken.None);

        Assert.Equal([1, 2, 3], epochs.Select(e => e.Epoch));
        Assert.Single(epochs.Select(e => e.Validation.MacroF1).Distinct());
        Assert.Equal(3, outcome.LastEpoch);
        Assert.Contains("stopped early after epoch 3", outcome.StoppedEarly);
        Assert.Contains("for 2 epochs", outcome.StoppedEarly);

        // Patience 0 is off: the same flat run trains its whole budget.
        var all = new List<EpochResult>();
        var full = new Trainer().Run(data.Spec(new LinearProbeArchitecture(), TrainingRecipe.Default, epochs: 4, lr: 0) with { WriteCheckpoints = false },
            (e, _) => all.Add(e), null, CancellationToken.None);
        Assert.Equal(4, all.Count);
        Assert.Null(full.StoppedEarly);
    }

    [Fact]
    public void Clipping_bounds_the_total_gradient_norm_of_every_step()
    {
        const double maxNorm = 0.05;
        var steps = Train(data.Spec(new LinearProbeArchitecture(), new TrainingRecipe { GradClipNorm = maxNorm, LogEveryNSteps = 1 }, epochs: 2) with { WriteCheckpoints = false });

        Assert.Equal(10, steps.Count);
        // The raw gradients are larger than the bound at every step here, so every step was clipped...
        Assert.All(steps, s => Assert.True(s.GradNorm > maxNorm, $"step {s.Step}: raw norm {s.GradNorm} is within the bound; the test would prove nothing"));
        // ...and what the optimiser stepped with, measured again after clipping, is within it (clipping scales by max/(norm+1e-6)).
        Assert.All(steps, s => Assert.InRange(s.ClippedGradNorm!.Value, maxNorm * 0.999, maxNorm + 1e-6));

        var unclipped = Train(data.Spec(new LinearProbeArchitecture(), new TrainingRecipe { LogEveryNSteps = 1 }, epochs: 1) with { WriteCheckpoints = false });
        Assert.All(unclipped, s => Assert.Null(s.ClippedGradNorm));
    }

    [Fact]
    public void The_clip_helper_leaves_gradients_of_the_same_direction_with_at_most_the_bound_as_total_norm()
    {
        torch.manual_seed(3);
        var architecture = new LinearProbeArchitecture();
        using var model = architecture.Create(new ModelConfig());
        using var batch = CaptionDataset.MakeBatch(data.Dataset.Train.Take(8).ToList(), data.Dataset.Transform, CPU);
        using (var loss = nn.functional.cross_entropy(model.forward(batch.Inputs), batch.Labels) * 1000) loss.backward();
        var parameters = model.parameters().ToList();
        var before = Flat(parameters);

        var reported = GradientNorm.Clip(parameters, 1.0);

        var after = Flat(parameters);
        var normBefore = Math.Sqrt(before.Sum(g => g * g));
        var normAfter = Math.Sqrt(after.Sum(g => g * g));
        Assert.Equal(normBefore, reported, normBefore * 1e-5);
        Assert.True(normBefore > 1.0);
        Assert.InRange(normAfter, 0.999, 1.0 + 1e-6);
        for (var i = 0; i < before.Length; i++) Assert.Equal(before[i] * normAfter / normBefore, after[i], 1e-6);

        static double[] Flat(IEnumerable<TorchSharp.Modules.Parameter> ps) =>
            ps.SelectMany(p => { using var g = p.grad!; return g.data<float>().ToArray().Select(v => (double)v); }).ToArray();
    }

    [Fact]
    public void Accumulating_k_batches_of_b_updates_as_one_batch_of_k_times_b()
    {
        // Same seed: the same shuffled order, so two batches of 2 are the samples of one batch of 4; 2 epochs = 10 steps each.
        var recipe = new TrainingRecipe { LabelSmoothing = 0.1, LogEveryNSteps = 1 };
        var (accumulated, accumulatedSteps) = Weights(data.Spec(new LinearProbeArchitecture(), recipe with { GradAccumulationSteps = 2 }, epochs: 2, batchSize: 2));
        var (oneBatch, oneBatchSteps) = Weights(data.Spec(new LinearProbeArchitecture(), recipe, epochs: 2, batchSize: 4));
        var (withoutAccumulation, _) = Weights(data.Spec(new LinearProbeArchitecture(), recipe, epochs: 2, batchSize: 2));

        // The gradient each step applies is the big batch's (Adam would hide a wrong scale in the weights, not in the norm)...
        Assert.Equal(10, accumulatedSteps.Count);
        Assert.Equal(oneBatchSteps.Select(s => s.Step), accumulatedSteps.Select(s => s.Step));
        foreach (var (a, b) in accumulatedSteps.Zip(oneBatchSteps))
        {
            Assert.Equal(b.GradNorm, a.GradNorm, b.GradNorm * 1e-4);
            Assert.Equal(b.Loss, a.Loss, 5);
        }
        // ...and so are the weights it ends with.
        Assert.Equal(oneBatch.Length, accumulated.Length);
        var gap = oneBatch.Zip(accumulated, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(gap < 1e-5, $"accumulated weights differ from the big batch's by up to {gap}");
        // The control: stepping after every small batch ends elsewhere, so the comparison above can fail.
        Assert.True(oneBatch.Zip(withoutAccumulation, (a, b) => Math.Abs(a - b)).Max() > 1e-3);
    }

    /// <summary>The weights a run ends with (read from its last checkpoint) and its step losses.</summary>
    private static (double[] Weights, List<StepLoss> Steps) Weights(TrainingRunSpec spec)
    {
        var steps = new List<StepLoss>();
        var outcome = new Trainer().Run(spec, (_, _) => { }, null, CancellationToken.None, onStepLoss: steps.Add);
        using var model = spec.Architecture.Create(spec.ModelConfig);
        ModelStateBytes.Load(model, CheckpointFile.Read(outcome.LastCheckpoint!).ModelState);
        return (model.parameters().SelectMany(p => p.data<float>().ToArray().Select(v => (double)v)).ToArray(), steps);
    }

    [Fact]
    public void The_first_steps_loss_is_the_class_weighted_label_smoothed_cross_entropy_of_its_batch()
    {
        const double smoothing = 0.2;
        var dataset = data.Imbalanced;
        var counts = dataset.TrainClassCounts;
        Assert.True(counts.Distinct().Count() > 1, "the dataset must be imbalanced for the weights to matter");
        var architecture = new LinearProbeArchitecture();
        var recipe = new TrainingRecipe { ClassWeighting = ClassWeights.Balanced, LabelSmoothing = smoothing, LogEveryNSteps = 1 };
        var steps = Train(data.Spec(architecture, recipe, epochs: 1, batchSize: 4, dataset: dataset) with { WriteCheckpoints = false });

        // The same initial weights and the same first batch, and the loss written out: weight w_c = N / (C * n_c),
        // l_i = -(1 - e) w_y log p_y - (e / C) sum_c w_c log p_c, mean = sum l_i / sum w_y.
        torch.manual_seed(7);
        using var model = architecture.Create(new ModelConfig());
        using var batch = dataset.Batches(dataset.Train, 4, shuffle: true, seed: 7 * 1000 + 1, CPU).First();
        using var logits = model.forward(batch.Inputs);
        var logP = Rows(logits.log_softmax(1));
        var labels = batch.Labels.data<long>().ToArray();
        var n = counts.Sum();
        var w = counts.Select(c => c == 0 ? 1.0 : n / (5.0 * c)).ToArray();
        double sum = 0, weights = 0, plain = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            var y = labels[i];
            sum += -(1 - smoothing) * w[y] * logP[i][y] - smoothing / 5 * Enumerable.Range(0, 5).Sum(c => w[c] * logP[i][c]);
            weights += w[y];
            plain += -logP[i][y];
        }
        Assert.Equal(sum / weights, steps[0].Loss, 5);
        Assert.True(Math.Abs(plain / labels.Length - steps[0].Loss) > 1e-3, "the weighted, smoothed loss should differ from plain cross-entropy");

        static double[][] Rows(Tensor t)
        {
            var values = t.data<float>().ToArray();
            var width = (int)t.shape[1];
            return Enumerable.Range(0, (int)t.shape[0]).Select(r => values[(r * width)..((r + 1) * width)].Select(v => (double)v).ToArray()).ToArray();
        }
    }

    [Fact]
    public void The_loss_matches_the_formula_for_given_logits_weights_and_smoothing()
    {
        using var logits = tensor(new float[] { 2, 0, -1, 0.5f, 1, 0, 3, 0, -2, 1 }, [2, 5]);
        using var labels = tensor(new long[] { 0, 2 });
        var w = new float[] { 0.5f, 1, 2, 1, 1 };
        using var loss = new TrainingLoss(w, 0.1, CPU);
        using var mean = loss.Compute(logits, labels);

        double LogP(int row, int c)
        {
            var z = new[] { new double[] { 2, 0, -1, 0.5, 1 }, new double[] { 0, 3, 0, -2, 1 } }[row];
            return z[c] - Math.Log(z.Sum(Math.Exp));
        }
        double L(int row, int y) => -(0.9) * w[y] * LogP(row, y) - 0.1 / 5 * Enumerable.Range(0, 5).Sum(c => w[c] * LogP(row, c));
        Assert.Equal((L(0, 0) + L(1, 2)) / (w[0] + w[2]), mean.item<float>(), 5);
        Assert.Equal(w[0] + w[2], loss.Denominator(labels), 6);

        // Balanced weights: N / (C * n_c) over the train counts (N = 20, C = 5); a class with no sample gets 1.
        var balanced = ClassWeights.For(ClassWeights.Balanced, [8, 4, 2, 0, 6])!;
        Assert.Equal([0.5, 1, 2, 1, 20 / 30.0], balanced.Select(x => (double)x), (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.Null(ClassWeights.For(ClassWeights.None, [8, 4, 2, 0, 6]));
    }

    [Fact]
    public void The_test_split_is_never_fed_to_the_model_in_training_and_only_once_to_evaluate_the_best_checkpoint()
    {
        var keys = Keys(data.Dataset);
        Assert.Equal(40, keys.Count); // every sample is told apart by its frame1
        var train = data.Dataset.Train.Select(Key).ToHashSet();
        var validation = data.Dataset.Validation.Select(Key).ToHashSet();
        var test = data.Dataset.Test.Select(Key).ToHashSet();
        Assert.Equal((20, 10, 10), (train.Count, validation.Count, test.Count));

        var architecture = new LinearProbeArchitecture();
        var spec = data.Spec(architecture, new TrainingRecipe { EarlyStoppingPatience = 1 }, epochs: 3);
        var outcome = new Trainer().Run(spec, (_, _) => { }, null, CancellationToken.None);
        var whileTraining = architecture.Seen.ToList();

        Assert.NotEmpty(whileTraining);
        Assert.All(whileTraining.Where(s => s.Training), s => Assert.Contains(s.Sample, train));
        Assert.All(whileTraining.Where(s => !s.Training), s => Assert.Contains(s.Sample, validation));
        Assert.DoesNotContain(whileTraining, s => test.Contains(s.Sample));
        // Every train sample was trained on, every validation sample evaluated: the fingerprints do see the batches.
        Assert.Equal(train.Order(), whileTraining.Where(s => s.Training).Select(s => s.Sample).Distinct().Order());
        Assert.Equal(validation.Order(), whileTraining.Where(s => !s.Training).Select(s => s.Sample).Distinct().Order());

        var result = TestSplitEvaluation.Evaluate(spec, outcome.BestCheckpoint);

        var evaluation = architecture.Seen.Skip(whileTraining.Count).ToList();
        Assert.All(evaluation, s => Assert.False(s.Training));
        Assert.Equal(test.Order(), evaluation.Select(s => s.Sample).Order());
        Assert.NotNull(result);
        Assert.Equal(10, result.Value.Metrics.ConfusionMatrix.Sum(r => r.Sum()));

        // The best checkpoint's weights, not the last epoch's: the same numbers as evaluating best.pt here.
        using var best = architecture.Create(new ModelConfig());
        ModelStateBytes.Load(best, CheckpointFile.Read(outcome.BestCheckpoint!).ModelState);
        var (loss, metrics) = Trainer.Evaluate(best, data.Dataset, data.Dataset.Test, 4, CPU);
        Assert.Equal(loss, result.Value.Loss, 6);
        Assert.Equal(metrics.MacroF1, result.Value.Metrics.MacroF1, 10);

        // A dataset without a test split records nothing.
        Assert.Null(TestSplitEvaluation.Evaluate(data.Spec(architecture, TrainingRecipe.Default, dataset: data.Imbalanced), outcome.BestCheckpoint));
    }

    private static string Key(DatasetSample s) => LinearProbeArchitecture.Fingerprint(s.Frame1);

    private static HashSet<string> Keys(CaptionDataset d) => d.Train.Concat(d.Validation).Concat(d.Test).Select(Key).ToHashSet();
}
