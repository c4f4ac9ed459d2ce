using CaptionBoundaries.Domain.Sweeps;

namespace CaptionBoundaries.Tests.Sweeps;

public class SweepDefinitionParserTests
{
    private const string Yaml = """
        name: lr-search
        method: bayes
        metric: { name: val_macro_f1, goal: maximize }
        parameters:
          lr: { distribution: log_uniform, min: 1e-4, max: 1e-1 }
          batch_size: { values: [8, 16] }
          epochs: { value: 3 }
          dropout: { distribution: uniform, min: 0, max: 0.5 }
          width: { distribution: int_uniform, min: 4, max: 32 }
          optimizer: { values: ["adamw", "sgd"] }
        run_cap: 20
        early_terminate: { type: asha, min_iter: 1, max_iter: 9, eta: 3 }
        seed: 1
        """;

    [Fact]
    public void ReadsEveryFieldFromYaml()
    {
        var d = SweepDefinitionParser.Parse(Yaml);

        Assert.Equal("lr-search", d.Name);
        Assert.Equal(SweepMethod.Bayes, d.Method);
        Assert.Equal(new SweepMetric("val_macro_f1", MetricGoal.Maximize), d.Metric);
        Assert.Equal(["lr", "batch_size", "epochs", "dropout", "width", "optimizer"], d.Parameters.Select(p => p.Name));
        var lr = d.Parameters[0];
        Assert.Equal((ParameterKind.LogUniform, 1e-4, 1e-1), (lr.Kind, lr.Min, lr.Max));
        Assert.Equal([8L, 16L], d.Parameters[1].Values);
        Assert.Equal((ParameterKind.Fixed, 3L), (d.Parameters[2].Kind, d.Parameters[2].Values[0]));
        Assert.Equal((ParameterKind.Uniform, 0.0, 0.5), (d.Parameters[3].Kind, d.Parameters[3].Min, d.Parameters[3].Max));
        Assert.Equal((ParameterKind.IntUniform, 4.0, 32.0), (d.Parameters[4].Kind, d.Parameters[4].Min, d.Parameters[4].Max));
        Assert.Equal(["adamw", "sgd"], d.Parameters[5].Values);
        Assert.Equal(20, d.RunCap);
        Assert.Equal(new EarlyTerminateSpec(EarlyTerminateType.Asha, 1, 9, 3), d.EarlyTerminate);
        Assert.Equal(1, d.Seed);
        Assert.IsType<TpeSampler>(SweepFactory.CreateSampler(d));
        Assert.IsType<AshaScheduler>(SweepFactory.CreateScheduler(d));
    }

    [Fact]
    public void JsonGivesTheSameDefinition()
    {
        const string json = """
            {
            	"name": "lr-search", "method": "bayes", "metric": { "name": "val_macro_f1", "goal": "maximize" },
            	"parameters": {
            		"lr": { "distribution": "log_uniform", "min": 1e-4, "max": 1e-1 },
            		"batch_size": { "values": [8, 16] }, "epochs": { "value": 3 },
            		"dropout": { "distribution": "uniform", "min": 0, "max": 0.5 },
            		"width": { "distribution": "int_uniform", "min": 4, "max": 32 },
            		"optimizer": { "values": ["adamw", "sgd"] }
            	},
            	"run_cap": 20, "early_terminate": { "type": "asha", "min_iter": 1, "max_iter": 9, "eta": 3 }, "seed": 1
            }
            """;
        var fromJson = SweepDefinitionParser.Parse(json);
        var fromYaml = SweepDefinitionParser.Parse(Yaml);

        Assert.Equal(fromYaml with { Parameters = [] }, fromJson with { Parameters = [] });
        foreach (var (a, b) in fromYaml.Parameters.Zip(fromJson.Parameters))
            Assert.Equal((a.Name, a.Kind, a.Min, a.Max, string.Join(",", a.Values)), (b.Name, b.Kind, b.Min, b.Max, string.Join(",", b.Values)));
    }

    [Theory]
    [InlineData("lr: { distribution: uniform, min: 0.5, max: 0.1 }", "parameters.lr.min", "parameters.lr.min must be < max")]
    [InlineData("lr: { distribution: log_uniform, min: 0, max: 0.1 }", "parameters.lr.min", "parameters.lr.min must be > 0 for log_uniform")]
    [InlineData("lr: { distribution: normal, min: 0, max: 1 }", "parameters.lr.distribution", "must be one of categorical, uniform, log_uniform, int_uniform")]
    [InlineData("lr: { distribution: uniform, min: 0, max: 1, mean: 0.5 }", "parameters.lr.mean", "parameters.lr.mean is not a known key")]
    [InlineData("lr: { distribution: uniform, max: 1 }", "parameters.lr.min", "parameters.lr.min is required")]
    [InlineData("width: { distribution: int_uniform, min: 1.5, max: 8 }", "parameters.width.min", "must be an integer for int_uniform")]
    [InlineData("bs: { values: [] }", "parameters.bs.values", "parameters.bs.values must be a non-empty list")]
    [InlineData("bs: { values: [8, 8] }", "parameters.bs.values[1]", "repeats the value 8")]
    [InlineData("bs: { value: 8, values: [8] }", "parameters.bs", "cannot be combined")]
    public void ParameterErrorsNameTheField(string parameter, string path, string message)
    {
        var e = Assert.Throws<SweepDefinitionException>(() => SweepDefinitionParser.Parse(
            $"name: s\nmethod: random\nmetric: {{ name: val_macro_f1 }}\nrun_cap: 5\nparameters:\n  {parameter}\n"));
        var error = Assert.Single(e.Errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message);
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("method: hill_climb", "method", "method must be one of grid, random, bayes")]
    [InlineData("metric: { name: val_macro_f1, goal: up }", "metric.goal", "metric.goal must be one of maximize, minimize")]
    [InlineData("learning_rate: 0.1", "learning_rate", "learning_rate is not a known key")]
    [InlineData("run_cap: 0", "run_cap", "run_cap must be at least 1")]
    [InlineData("early_terminate: { type: asha, min_iter: 9, max_iter: 3 }", "early_terminate.max_iter", "must be > min_iter")]
    [InlineData("early_terminate: { type: sometimes }", "early_terminate.type", "must be one of asha, hyperband, median")]
    [InlineData("early_terminate: { type: asha, eta: 1 }", "early_terminate.eta", "must be at least 2")]
    public void TopLevelErrorsNameTheField(string line, string path, string message)
    {
        var fields = new Dictionary<string, string>
        {
            ["name"] = "name: s",
            ["method"] = "method: random",
            ["metric"] = "metric: { name: val_macro_f1 }",
            ["run_cap"] = "run_cap: 5",
            ["parameters"] = "parameters: { lr: { value: 0.1 } }",
        };
        fields[line.Split(':')[0]] = line;
        var e = Assert.Throws<SweepDefinitionException>(() => SweepDefinitionParser.Parse(string.Join("\n", fields.Values)));
        var error = Assert.Single(e.Errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void GridRefusesDistributionsAndRandomNeedsARunCap()
    {
        var grid = Assert.Throws<SweepDefinitionException>(() => SweepDefinitionParser.Parse("""
            name: g
            method: grid
            metric: { name: val_loss, goal: minimize }
            parameters:
              lr: { distribution: log_uniform, min: 1e-4, max: 1e-1 }
              bs: { values: [8, 16] }
            """));
        var error = Assert.Single(grid.Errors);
        Assert.Equal("parameters.lr", error.Path);
        Assert.Contains("method grid needs values or value; a log_uniform distribution cannot be enumerated", error.Message);

        var random = Assert.Throws<SweepDefinitionException>(() => SweepDefinitionParser.Parse(
            "name: r\nmethod: random\nmetric: { name: m }\nparameters: { bs: { values: [8] } }"));
        Assert.Equal("run_cap", Assert.Single(random.Errors).Path);
    }

    [Fact]
    public void ReportsAllErrorsAtOnceAndRefusesBrokenYaml()
    {
        var e = Assert.Throws<SweepDefinitionException>(() => SweepDefinitionParser.Parse("method: x\nparameters: {}"));
        Assert.Equal(["name", "method", "metric", "parameters"], e.Errors.Select(x => x.Path));

        var broken = Assert.Throws<SweepDefinitionException>(() => SweepDefinitionParser.Parse("name: [unclosed\nmethod: grid"));
        Assert.Contains("not valid YAML", Assert.Single(broken.Errors).Message);
    }
}
