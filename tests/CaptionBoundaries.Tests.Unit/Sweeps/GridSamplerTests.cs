using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Sweeps;
using CaptionBoundaries.Tests.Support;

namespace CaptionBoundaries.Tests.Sweeps;

public class GridSamplerTests
{
    [Fact]
    public void EnumeratesTheProductOnceInDeclarationOrderLastParameterFastest()
    {
        var definition = SweepDefinitionParser.Parse("""
            name: g
            method: grid
            metric: { name: val_macro_f1 }
            parameters:
              batch_size: { values: [8, 16] }
              epochs: { value: 3 }
              optimizer: { values: [adamw, sgd, lion] }
            """);
        var grid = Assert.IsType<GridSampler>(SweepFactory.CreateSampler(definition));

        var all = new List<string>();
        while (grid.Next([]) is { } p) all.Add($"{p["batch_size"]}/{p["epochs"]}/{p["optimizer"]}");

        Assert.Equal(6, grid.Count);
        Assert.Equal(["8/3/adamw", "8/3/sgd", "8/3/lion", "16/3/adamw", "16/3/sgd", "16/3/lion"], all);
        Assert.Null(grid.Next([]));
    }

    [Fact]
    public void CountsLargeProductsAndIndexesThemDirectly()
    {
        var grid = new GridSampler([
            ParameterSpec.Categorical("a", 1L, 2L, 3L),
            ParameterSpec.Categorical("b", "x", "y"),
            ParameterSpec.Categorical("c", 0.1, 0.2, 0.3, 0.4),
        ]);
        Assert.Equal(24, grid.Count);
        var seen = Enumerable.Range(0, 24).Select(i => grid.At(i)).Select(p => $"{p["a"]}{p["b"]}{p["c"]}").ToHashSet();
        Assert.Equal(24, seen.Count);
        Assert.Equal(new Dictionary<string, object> { ["a"] = 2L, ["b"] = "y", ["c"] = 0.2 }, grid.At(1 * 8 + 1 * 4 + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => grid.At(24));
        Refused.As(DomainErrorKind.Invalid, () => new GridSampler([ParameterSpec.Uniform("lr", 0, 1)]));
    }
}
