using System.Reflection;

namespace CaptionBoundaries.Tests.Bench;

/// <summary>The bench tooling is reached from the CLI only: no product assembly may use it.</summary>
public sealed class BenchOutsideTheProductTests
{
    private const string Bench = "CaptionBoundaries.Bench";

    [Theory]
    [InlineData("CaptionBoundaries.Contracts")]
    [InlineData("CaptionBoundaries.Domain")]
    [InlineData("CaptionBoundaries.Infrastructure")]
    [InlineData("CaptionBoundaries.Application")]
    [InlineData("CaptionBoundaries.Grains.Abstractions")]
    [InlineData("CaptionBoundaries.Grains")]
    [InlineData("CaptionBoundaries.Ui")]
    public void NoProductAssemblyReferencesTheBenchProject(string product) =>
        Assert.DoesNotContain(Bench, Assembly.Load(product).GetReferencedAssemblies().Select(a => a.Name));

    [Fact]
    public void TheHostsBenchCommandsDo() =>
        Assert.Contains(Bench, Assembly.Load("caption-boundaries").GetReferencedAssemblies().Select(a => a.Name));
}
