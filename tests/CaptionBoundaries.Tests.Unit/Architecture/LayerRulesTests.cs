using System.Reflection;

namespace CaptionBoundaries.Tests.Architecture;

/// <summary>
/// The layers of docs/architecture.md, checked on the compiled assemblies: what each one uses (a reference the compiler
/// kept because some code of it is used), not what its project file lists.
/// </summary>
public sealed class LayerRulesTests
{
    private static IReadOnlyList<string> Uses(string assembly) =>
        Assembly.Load(assembly).GetReferencedAssemblies().Select(a => a.Name!).ToList();

    [Theory]
    [InlineData("Microsoft.EntityFrameworkCore")]
    [InlineData("Orleans")]
    [InlineData("Microsoft.Orleans")]
    [InlineData("Microsoft.AspNetCore")]
    [InlineData("CaptionBoundaries.Infrastructure")]
    [InlineData("CaptionBoundaries.Application")]
    [InlineData("CaptionBoundaries.Grains")]
    [InlineData("CaptionBoundaries.Serving")]
    public void The_domain_uses_no_EF_Orleans_ASP_NET_nor_any_outer_layer(string prefix) =>
        Assert.DoesNotContain(Uses("CaptionBoundaries.Domain"), name => name.StartsWith(prefix, StringComparison.Ordinal));

    [Theory]
    [InlineData("CaptionBoundaries.Infrastructure")]
    [InlineData("CaptionBoundaries.Serving")]
    [InlineData("CaptionBoundaries.Grains.Abstractions")]
    [InlineData("CaptionBoundaries.Grains")]
    public void Nothing_below_the_use_cases_calls_them_or_the_host(string assembly)
    {
        var uses = Uses(assembly);
        Assert.DoesNotContain("CaptionBoundaries.Application", uses);
        Assert.DoesNotContain("caption-boundaries", uses);
        Assert.DoesNotContain("CaptionBoundaries.Ui", uses);
    }

    [Fact]
    public void No_grain_type_lives_in_or_uses_a_Features_namespace()
    {
        var grains = Assembly.Load("CaptionBoundaries.Grains");
        Assert.DoesNotContain(grains.GetTypes(), t => t.Namespace?.Contains(".Features", StringComparison.Ordinal) == true);
        // Using a Features type would need the Application assembly, which the rule above already refuses.
        Assert.DoesNotContain("CaptionBoundaries.Application", Uses("CaptionBoundaries.Grains"));
    }

    [Fact]
    public void The_infrastructure_does_not_know_its_migrations()
    {
        // They are loaded by name when a database is migrated; the host ships them.
        Assert.DoesNotContain(Uses("CaptionBoundaries.Infrastructure"), name => name.Contains(".Migrations.", StringComparison.Ordinal));
        foreach (var provider in new[] { "Sqlite", "Postgres", "SqlServer" })
            Assert.Contains("CaptionBoundaries.Infrastructure", Uses($"CaptionBoundaries.Infrastructure.Migrations.{provider}"));
    }

    [Theory]
    [InlineData("CaptionBoundaries.Plugins.Architectures")]
    [InlineData("CaptionBoundaries.Plugins.Augmentations")]
    [InlineData("CaptionBoundaries.Plugins.Embedders")]
    public void Plugins_use_only_the_contracts_of_ours(string plugin) =>
        Assert.Equal(["CaptionBoundaries.Contracts"], Uses(plugin).Where(n => n.StartsWith("CaptionBoundaries", StringComparison.Ordinal)));

    [Fact]
    public void The_contracts_use_nothing_of_ours() =>
        Assert.DoesNotContain(Uses("CaptionBoundaries.Contracts"), name => name.StartsWith("CaptionBoundaries", StringComparison.Ordinal));

    /// <summary>
    /// One run spec: no product type but RunSpec carries a run's settings (architecture, dataset, learning rate, batch
    /// size). The HTTP bodies that map onto it live in the host's Api/Requests, outside the assemblies checked here.
    /// </summary>
    [Fact]
    public void Exactly_one_type_describes_a_run()
    {
        string[] product = ["CaptionBoundaries.Domain", "CaptionBoundaries.Infrastructure", "CaptionBoundaries.Serving", "CaptionBoundaries.Application",
            "CaptionBoundaries.Grains.Abstractions", "CaptionBoundaries.Grains", "CaptionBoundaries.Ui"];
        string[] runSettings = ["Architecture", "DatasetFolder", "LearningRate", "BatchSize"];
        var shapes = product.SelectMany(a => Assembly.Load(a).GetTypes())
            .Where(t => runSettings.All(p => t.GetProperty(p, BindingFlags.Public | BindingFlags.Instance) is not null))
            .Select(t => t.FullName)
            .ToList();
        Assert.Equal(["CaptionBoundaries.Domain.Training.RunSpec"], shapes);
    }
}
