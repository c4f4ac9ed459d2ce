using CaptionBoundaries.Domain.Training;

namespace CaptionBoundaries.Tests.Training;

public sealed class TrainingPlanFileTests
{
    [Fact]
    public void Yaml_and_json_plans_read_the_same()
    {
        var yaml = TrainingPlanFile.Parse("""
            stages:
              - name: head
                epochs: 2
                lr: 0.003
                freeze: [backbone]
              - { name: finetune, epochs: 3, lr: 3e-4, batch_size: 8, unfreeze: backbone }
            """);
        var json = TrainingPlanFile.Parse("""
            { "stages": [ { "name": "head", "epochs": 2, "lr": 0.003, "freeze": ["backbone"] },
                          { "name": "finetune", "epochs": 3, "lr": 0.0003, "batch_size": 8, "unfreeze": ["backbone"] } ] }
            """);

        Assert.Equal(2, yaml.Count);
        Assert.Equal(("head", 2, 0.003, (int?)null), (yaml[0].Name, yaml[0].Epochs, yaml[0].LearningRate!.Value, yaml[0].BatchSize));
        Assert.Equal(["backbone"], yaml[0].Freeze);
        Assert.Equal(["backbone"], yaml[1].Unfreeze);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal((yaml[i].Name, yaml[i].Epochs, yaml[i].LearningRate, yaml[i].BatchSize), (json[i].Name, json[i].Epochs, json[i].LearningRate, json[i].BatchSize));
            Assert.Equal(yaml[i].Freeze, json[i].Freeze);
        }
    }

    [Theory]
    [InlineData("stages:\n  - { name: a, epochs: 1, lrr: 0.1 }", "stages[0].lrr: unknown key")]
    [InlineData("stages:\n  - { epochs: 1 }", "stages[0].name")]
    [InlineData("stages:\n  - { name: a }", "stages[0].epochs")]
    [InlineData("stages:\n  - { name: a, epochs: many }", "stages[0].epochs: 'many' is not a number")]
    [InlineData("stages: []", "no stages")]
    [InlineData("epochs: 3", "expected a map with one key 'stages'")]
    [InlineData("stages: [ { name: a", "not valid YAML")]
    public void A_malformed_plan_names_the_path_of_the_problem(string text, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => TrainingPlanFile.Parse(text, "plan.yaml"));

        Assert.Contains(expected, error.Message);
        Assert.StartsWith("plan.yaml", error.Message);
    }

    [Theory]
    [InlineData("features", "features.conv1.weight", true)]
    [InlineData("features", "features_extra.weight", false)]
    [InlineData("features.conv1", "features.conv1.bias", true)]
    [InlineData("*.bias", "hidden.bias", true)]
    [InlineData("*.bias", "hidden.weight", false)]
    [InlineData("hidden.weight", "hidden.weight", true)]
    public void Patterns_match_names_dotted_prefixes_and_globs(string pattern, string name, bool expected) =>
        Assert.Equal(expected, ParameterSelection.Matches(pattern, name));
}
