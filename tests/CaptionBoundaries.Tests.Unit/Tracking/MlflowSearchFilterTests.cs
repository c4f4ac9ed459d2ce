using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Tracking.Search;

namespace CaptionBoundaries.Tests.Unit.Tracking;

/// <summary>MLflow search filter strings, taken from the examples of MLflow's "Search Runs" documentation.</summary>
public sealed class MlflowSearchFilterTests
{
    private static SearchableRun Run(string id, string name, string status, long start, Dictionary<string, double> metrics,
        Dictionary<string, string> parameters, Dictionary<string, string> tags, string user = "alice") =>
        new(id, name, status, user, $"mlflow-artifacts:/0/{id}/artifacts", start, null, metrics, parameters, tags);

    private static readonly SearchableRun[] Runs =
    [
        Run("a1", "alpha", "FINISHED", 1670628787000, new() { ["accuracy"] = 0.95, ["error"] = 0.04, ["f1 score"] = 0.7 },
            new() { ["model"] = "LogisticRegression", ["lambda"] = "0.001", ["alpha"] = "0.3", ["model-type"] = "linear" },
            new() { ["mlflow.user"] = "john@mlflow.com", ["model"] = "sklearn-logreg", ["type"] = "Logistic" }),
        Run("b2", "beta", "FAILED", 1670628788000, new() { ["accuracy"] = 0.90, ["error"] = 0.06, ["2019-04-02 error rate"] = 0.1 },
            new() { ["model"] = "RandomForest", ["lambda"] = "0.01" },
            new() { ["model"] = "xgboost", ["type"] = "tree" }),
        Run("c3", "gamma-run", "RUNNING", 1670628789000, new() { ["accuracy"] = 0.80 },
            new() { ["model"] = "LogisticRegression", ["lambda"] = "0.001", ["alpha"] = "0.5" },
            new() { ["type"] = "logistic regression" }),
    ];

    [Theory]
    [InlineData("metrics.accuracy > 0.92", "a1")]
    [InlineData("params.model = \"LogisticRegression\" and params.lambda = \"0.001\" and metrics.error <= 0.05", "a1")]
    [InlineData("attributes.status = \"FAILED\"", "b2")]
    [InlineData("attributes.status = 'FINISHED'", "a1")]
    [InlineData("attributes.created > 1670628787527", "c3,b2")]
    [InlineData("attributes.start_time > 1670628787527", "c3,b2")]
    [InlineData("metrics.`f1 score` > 0.5", "a1")]
    [InlineData("tags.`mlflow.user` = 'john@mlflow.com'", "a1")]
    [InlineData("tags.`model` LIKE 'sklearn%'", "a1")]
    [InlineData("tags.`type` ILIKE '%Logistic%'", "c3,a1")]
    [InlineData("attributes.`run_name` ILIKE \"%alpha%\"", "a1")]
    [InlineData("attributes.`Run name` ILIKE \"%ALPHA%\"", "a1")]
    [InlineData("params.alpha = \"0.3\" and params.lambda = \"0.001\" and metrics.error <= 0.05", "a1")]
    [InlineData("params.\"model-type\" = 'linear'", "a1")]
    [InlineData("metrics.\"2019-04-02 error rate\" < 0.2", "b2")]
    [InlineData("attributes.run_id IN ('a1', 'c3')", "c3,a1")]
    [InlineData("attributes.run_id NOT IN ('a1')", "c3,b2")]
    [InlineData("params.alpha != '0.3'", "c3")]
    [InlineData("metrics.accuracy>=0.9 AND metrics.accuracy<0.95", "b2")]
    [InlineData("", "c3,b2,a1")]
    public void Reference_examples_select_the_runs_they_describe(string filter, string expected)
    {
        var clauses = SearchFilterParser.ParseRunFilter(filter);
        var found = RunSearch.Order(RunSearch.Filter(Runs, clauses), []).Select(r => r.RunId);
        Assert.Equal(expected.Split(','), found);
    }

    [Theory]
    [InlineData("metrics.accuracy > 0.9 OR params.model = 'x'", "OR is not supported")]
    [InlineData("accuracy > 0.9", "not an identifier")]
    [InlineData("metric.accuracy > 'high'", "compared with a number")]
    [InlineData("params.model > 'a'", "cannot compare")]
    [InlineData("params.model = LogisticRegression", "quoted string")]
    [InlineData("attributes.colour = 'red'", "not an attribute")]
    [InlineData("things.x = 'y'", "not an entity type")]
    [InlineData("params.model = 'unterminated", "never closed")]
    [InlineData("params.lambda IN ('1')", "run_id only")]
    [InlineData("metrics.a > 1 metrics.b > 2", "Expected AND")]
    public void Malformed_filters_are_refused_naming_what_is_wrong(string filter, string reason)
    {
        var error = Assert.Throws<DomainException>(() => SearchFilterParser.ParseRunFilter(filter));
        Assert.Equal(DomainErrorKind.Invalid, error.Kind);
        Assert.Equal("filter", error.Field);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Order_by_sorts_by_metric_with_missing_values_last()
    {
        var orders = SearchFilterParser.ParseRunOrder(["metrics.error DESC"]);
        Assert.Equal(["b2", "a1", "c3"], RunSearch.Order(Runs, orders).Select(r => r.RunId));
        orders = SearchFilterParser.ParseRunOrder(["params.model", "attributes.start_time DESC"]);
        Assert.Equal(["c3", "a1", "b2"], RunSearch.Order(Runs, orders).Select(r => r.RunId));
        Assert.Throws<DomainException>(() => SearchFilterParser.ParseRunOrder(["metrics.error SIDEWAYS"]));
    }

    [Fact]
    public void A_hostile_like_pattern_stays_linear()
    {
        // With a backtracking engine this pattern over a long near-miss text takes exponential time.
        var text = new string('a', 20_000);
        var run = Run("x", text, "FINISHED", 0, [], [], new() { ["t"] = text });
        var clauses = SearchFilterParser.ParseRunFilter($"tags.t LIKE '{string.Concat(Enumerable.Repeat("%a", 30))}%b'");
        Assert.Empty(RunSearch.Filter([run], clauses));
    }

    [Theory]
    [InlineData("name = 'exp'", true)]
    [InlineData("attributes.name LIKE 'ex%'", true)]
    [InlineData("tags.group = 'vision'", true)]
    [InlineData("name ILIKE '%EXP%' AND tags.group != 'nlp'", true)]
    [InlineData("metrics.x > 1", true)]
    public void Experiment_filters_accept_bare_names(string filter, bool parses)
    {
        Assert.Equal(parses, SearchFilterParser.ParseExperimentFilter(filter).Count > 0);
    }
}
