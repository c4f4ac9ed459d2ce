using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Explain;
using CaptionBoundaries.Plugins.Architectures;
using CaptionBoundaries.Tests.Architectures;
using static TorchSharp.torch;

namespace CaptionBoundaries.Tests.Explain;

/// <summary>Every shipped architecture exposes its last stage for each image input, and Grad-CAM runs through it.</summary>
[Collection(ArchitectureCollection.Name)]
public sealed class ArchitectureGradCamTests
{
    public static TheoryData<string> Architectures => new()
    {
        TripleBackboneResNet50.ArchitectureName,
        SharedBackboneResNet50.ArchitectureName,
        ChannelFusionLoRAResNet50.ArchitectureName,
    };

    private static IModelArchitecture Architecture(string name) => name switch
    {
        TripleBackboneResNet50.ArchitectureName => new TripleBackboneResNet50(),
        SharedBackboneResNet50.ArchitectureName => new SharedBackboneResNet50(),
        _ => new ChannelFusionLoRAResNet50(),
    };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Every_image_input_gets_a_heatmap_of_its_size(string name)
    {
        var architecture = Architecture(name);
        manual_seed(3);
        using var model = architecture.Create(ArchitectureTestData.Config(architecture));
        // Not square, so a swapped height and width cannot pass.
        using var generator = new Generator(5);
        var inputs = new CaptionInputs(
            rand([2, 3, 48, 80], generator: generator), rand([2, 3, 48, 80], generator: generator), rand([2, 3, 48, 80], generator: generator),
            rand([2, TaskSpec.SpatialFeatureCount], generator: generator), randn([2, TaskSpec.FontEmbeddingDimension], generator: generator));
        try
        {
            var explained = GradCam.Explain(model, inputs, [0, 3]);

            Assert.Equal([0, 3], explained.Select(e => e.TargetClass));
            foreach (var sample in explained)
            {
                Assert.Equal(GradCam.ImageInputs, sample.Heatmaps.Select(h => h.Input));
                foreach (var map in sample.Heatmaps)
                {
                    Assert.Equal((48, 80), (map.Height, map.Width));
                    Assert.Equal(48 * 80, map.Values.Length);
                    Assert.All(map.Values, v => Assert.InRange(v, 0f, 1f));
                    Assert.True(map.Peak >= 0);
                }
                var shared = sample.Heatmaps.Select(h => h.IsShared).Distinct().Single();
                // One backbone over the channel-stacked images: a single map, the same for all three, and said so.
                Assert.Equal(name == ChannelFusionLoRAResNet50.ArchitectureName, shared);
                if (shared)
                {
                    Assert.All(sample.Heatmaps, h => Assert.Equal(sample.Heatmaps[0].Values, h.Values));
                    Assert.All(sample.Heatmaps, h => Assert.Equal(2, h.SharedWith.Count));
                }
            }
            Assert.Equal(name == ChannelFusionLoRAResNet50.ArchitectureName, ExplainSession.Notes(model).Any(n => n.Contains("same map")));
        }
        finally
        {
            foreach (var t in inputs.Tensors) t.Dispose();
        }
    }

    [Fact]
    public void Per_image_backbones_give_each_image_its_own_map()
    {
        var architecture = new SharedBackboneResNet50();
        manual_seed(4);
        using var model = architecture.Create(ArchitectureTestData.Config(architecture));
        // Three different images: their maps differ, which one map copied to all three inputs would not.
        using var generator = new Generator(9);
        var inputs = new CaptionInputs(
            rand([1, 3, 64, 64], generator: generator), rand([1, 3, 64, 64], generator: generator), rand([1, 3, 64, 64], generator: generator),
            zeros(1, TaskSpec.SpatialFeatureCount), zeros(1, TaskSpec.FontEmbeddingDimension));
        try
        {
            var differing = Enumerable.Range(0, TaskSpec.ClassCount).Count(target =>
            {
                var maps = Assert.Single(GradCam.Explain(model, inputs, [target])).Heatmaps;
                Assert.All(maps, m => Assert.Empty(m.SharedWith));
                var values = maps.Select(m => m.Values).ToList();
                return !values[0].SequenceEqual(values[1]) && !values[1].SequenceEqual(values[2]) && !values[0].SequenceEqual(values[2]);
            });
            Assert.True(differing > 0, "for every class the three images' maps were not all different");
        }
        finally
        {
            foreach (var t in inputs.Tensors) t.Dispose();
        }
    }
}
