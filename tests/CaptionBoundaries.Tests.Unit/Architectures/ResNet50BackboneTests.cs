using CaptionBoundaries.Plugins.Architectures;
using static TorchSharp.torch;

namespace CaptionBoundaries.Tests.Architectures;

[Collection(ArchitectureCollection.Name)]
public class ResNet50BackboneTests
{
    [Fact]
    public void HasTorchvisionResNet50ParameterCountWithoutFc()
    {
        using var backbone = new ResNet50Backbone();
        var count = backbone.parameters().Sum(p => p.numel());
        Assert.Equal(23_508_032, count);
        Assert.Equal(ResNet50Backbone.ParameterCount, count);
    }

    [Fact]
    public void UsesTorchvisionParameterNamesAndBiasFreeConvs()
    {
        using var backbone = new ResNet50Backbone();
        var names = backbone.named_parameters().Select(p => p.name).ToHashSet();
        Assert.Contains("conv1.weight", names);
        Assert.Contains("layer1.0.downsample.0.weight", names);
        Assert.Contains("layer4.2.conv3.weight", names);
        Assert.Contains("layer4.2.bn3.bias", names);
        Assert.DoesNotContain("layer1.1.downsample.0.weight", names);
        Assert.DoesNotContain(names, n => n.Contains("conv") && n.EndsWith(".bias"));
        Assert.DoesNotContain(names, n => n.StartsWith("fc."));
    }

    [Fact]
    public void PoolsAnImageBatchTo2048Features()
    {
        using var backbone = new ResNet50Backbone();
        backbone.eval();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var features = backbone.forward(rand(2, 3, 64, 64));
        Assert.Equal([2L, ResNet50Backbone.FeatureDimension], features.shape);
    }

    [Fact]
    public void BuiltInsideADisposeScopeSurvivesTheScope()
    {
        ResNet50Backbone backbone;
        using (NewDisposeScope())
        {
            backbone = new ResNet50Backbone();
        }
        using (backbone)
        {
            backbone.eval();
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            Assert.Equal([1L, 2048L], backbone.forward(rand(1, 3, 32, 32)).shape);
        }
    }
}
