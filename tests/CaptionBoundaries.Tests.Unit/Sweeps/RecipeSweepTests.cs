using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Sweeps;
using CaptionBoundaries.Domain.Training;

namespace CaptionBoundaries.Tests.Sweeps;

/// <summary>The training recipe as sweep parameters: a grid over schedules and smoothing resolves into trial specs.</summary>
public sealed class RecipeSweepTests
{
    private static readonly RunSpec Base = new()
    {
        Name = "sweep",
        DatasetFolder = "/data/d",
        Architecture = "tiny_test_cnn",
        ModelConfig = new Dictionary<string, string> { ["width"] = "8" },
        Recipe = new TrainingRecipe { GradClipNorm = 1.5 },
    };

    [Fact]
    public void A_grid_over_lr_schedule_and_label_smoothing_resolves_into_trial_specs_with_those_recipes()
    {
        var definition = SweepDefinitionParser.Parse("""
            name: recipe
            method: grid
            metric: { name: val_macro_f1, goal: maximize }
            parameters:
              lr_schedule: { values: [cosine, one_cycle] }
              label_smoothing: { values: [0.0, 0.1] }
              warmup_steps: { value: 0 }
              early_stopping_patience: { value: 3 }
              class_weighting: { value: balanced }
              width: { value: 16 }
            """);
        Assert.Empty(TrialSpecMapping.UnknownConfigKeys(definition, new ModelConfig(("width", "16"), ("dropout", "0")), "tiny_test_cnn"));
        Assert.Empty(TrialSpecMapping.ValueProblems(definition));

        var grid = SweepFactory.CreateSampler(definition);
        var trials = new List<RunSpec>();
        while (grid.Next([]) is { } parameters) trials.Add(TrialSpecMapping.Apply(Base, parameters, $"t{trials.Count + 1}"));

        Assert.Equal(
            [("cosine", 0.0), ("cosine", 0.1), ("one_cycle", 0.0), ("one_cycle", 0.1)],
            trials.Select(t => (t.Recipe.LrSchedule, t.Recipe.LabelSmoothing)));
        Assert.All(trials, t =>
        {
            Assert.Equal(3, t.Recipe.EarlyStoppingPatience);
            Assert.Equal(ClassWeights.Balanced, t.Recipe.ClassWeighting);
            // What the sweep does not set stays the base's; recipe names are not model config keys.
            Assert.Equal(1.5, t.Recipe.GradClipNorm);
            Assert.Equal(new Dictionary<string, string> { ["width"] = "16" }, t.ModelConfig);
        });
        Assert.Equal(TrainingRecipe.Default with { GradClipNorm = 1.5 }, Base.Recipe);
    }

    [Fact]
    public void Numeric_recipe_fields_take_ranges_and_each_trial_gets_its_draw()
    {
        var definition = SweepDefinitionParser.Parse("""
            name: r
            method: random
            run_cap: 5
            metric: { name: val_macro_f1, goal: maximize }
            parameters:
              label_smoothing: { distribution: uniform, min: 0.0, max: 0.3 }
              grad_accumulation_steps: { values: [1, 2, 4] }
              warmup_steps: { distribution: int_uniform, min: 0, max: 50 }
            """);
        Assert.Empty(TrialSpecMapping.ValueProblems(definition));
        var sampler = SweepFactory.CreateSampler(definition);
        for (var i = 0; i < 5; i++)
        {
            var parameters = sampler.Next([])!;
            var recipe = TrialSpecMapping.Apply(Base, parameters, "t").Recipe;
            Assert.Equal(Convert.ToDouble(parameters["label_smoothing"]), recipe.LabelSmoothing);
            Assert.Equal(Convert.ToInt32(parameters["grad_accumulation_steps"]), recipe.GradAccumulationSteps);
            Assert.Equal(Convert.ToInt32(parameters["warmup_steps"]), recipe.WarmupSteps);
            Assert.InRange(recipe.LabelSmoothing, 0, 0.3);
        }
    }

    [Fact]
    public void Recipe_values_no_trial_could_be_built_from_are_named_before_the_sweep_starts()
    {
        var definition = SweepDefinitionParser.Parse("""
            name: bad
            method: grid
            metric: { name: val_macro_f1, goal: maximize }
            parameters:
              lr_schedule: { values: [cosine, exponential] }
              label_smoothing: { values: [0.1, lots] }
              class_weighting: { value: inverse }
            """);
        var problems = TrialSpecMapping.ValueProblems(definition).ToList();

        Assert.Equal(
            ["parameters.class_weighting.value", "parameters.label_smoothing.values[1]", "parameters.lr_schedule.values[1]"],
            problems.Select(p => p.Path).Order());
        Assert.Contains("one of constant, cosine, step, one_cycle", problems.Single(p => p.Path.StartsWith("parameters.lr_schedule")).Message);
        Assert.Contains("must be a number", problems.Single(p => p.Path.StartsWith("parameters.label_smoothing")).Message);

        var ranged = SweepDefinitionParser.Parse("""
            name: ranged
            method: random
            run_cap: 2
            metric: { name: val_macro_f1, goal: maximize }
            parameters:
              mixed_precision: { distribution: uniform, min: 0, max: 1 }
            """);
        Assert.Equal("parameters.mixed_precision", Assert.Single(TrialSpecMapping.ValueProblems(ranged)).Path);
    }
}
