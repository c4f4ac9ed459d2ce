using CaptionBoundaries.Contracts;
using static TorchSharp.torch;

namespace CaptionBoundaries.Tests.Architectures;

/// <summary>
/// The ResNet-50 models are large; running their test classes one at a time keeps peak memory and
/// CPU contention down on the 2-core machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ArchitectureCollection
{
    public const string Name = "Architectures";
}

internal static class ArchitectureTestData
{
    /// <summary>Random inputs of the task's shapes with tiny images, so a forward pass stays fast.</summary>
    public static CaptionInputs RandomInputs(long batch = 2, long side = 64, long seed = 1)
    {
        using var generator = new Generator((ulong)seed);
        return new CaptionInputs(
            rand([batch, 3, side, side], generator: generator),
            rand([batch, 3, side, side], generator: generator),
            rand([batch, 3, side, side], generator: generator),
            rand([batch, TaskSpec.SpatialFeatureCount], generator: generator),
            randn([batch, TaskSpec.FontEmbeddingDimension], generator: generator));
    }

    public static ModelConfig Config(IModelArchitecture architecture, params (string Key, string Value)[] overrides) =>
        architecture.DefaultConfig.MergeOverrides(overrides.ToDictionary(o => o.Key, o => o.Value), architecture.Name);

    public static void AssertWithinPercent(long reference, long actual, double percent)
    {
        var deviation = Math.Abs(actual - reference) / (double)reference * 100;
        Assert.True(deviation <= percent, $"{actual:N0} is {deviation:F2}% away from the reference {reference:N0} (allowed {percent}%)");
    }

    /// <summary>Same shape and every element equal (TorchSharp's <c>equal</c> is element-wise).</summary>
    public static bool IsExactly(this Tensor actual, Tensor expected)
    {
        if (!actual.shape.SequenceEqual(expected.shape)) return false;
        using var same = actual.eq(expected);
        using var all = same.all();
        return all.item<bool>();
    }

    public static Dictionary<string, Tensor> Parameters(nn.Module module) =>
        module.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
}
