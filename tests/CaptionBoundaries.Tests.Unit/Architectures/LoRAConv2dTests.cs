using CaptionBoundaries.Plugins.Architectures;
using TorchSharp;
using static TorchSharp.torch;

namespace CaptionBoundaries.Tests.Architectures;

public class LoRAConv2dTests
{
    [Fact]
    public void MatchesTheWrappedConvAtInitialisationAndDiffersOnceBIsNonZero()
    {
        manual_seed(3);
        using var conv = nn.Conv2d(8, 16, 3, stride: 2, padding: 1, bias: false);
        using var reference = conv.weight.detach().clone();
        using var lora = new LoRAConv2d(nn.Conv2d(8, 16, 3, stride: 2, padding: 1, bias: false), rank: 4, alpha: 8);
        using (no_grad()) lora.Weight.copy_(reference);

        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = randn(2, 8, 10, 10);
        var expected = nn.functional.conv2d(x, reference, null, [2], [1], [1], 1);
        var atInit = lora.forward(x);
        Assert.Equal(expected.shape, atInit.shape);
        Assert.True(atInit.IsExactly(expected), "a zero B must leave the conv unchanged");

        lora.LoraB.normal_();
        var adapted = lora.forward(x);
        Assert.False(adapted.allclose(expected), "a non-zero B must change the output");

        // W' = W + reshape(B·A)·(alpha/rank), computed independently.
        var w = reference + lora.LoraB.matmul(lora.LoraA).view(16, 8, 3, 3) * 2.0;
        Assert.True(adapted.allclose(nn.functional.conv2d(x, w, null, [2], [1], [1], 1), rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void OnlyTheAdapterIsTrainableAndShaped()
    {
        using var lora = new LoRAConv2d(nn.Conv2d(8, 16, 3, padding: 1, bias: false), rank: 4, alpha: 4);
        var parameters = lora.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Equal(["lora_A", "lora_B", "weight"], parameters.Keys.Order());
        Assert.False(parameters["weight"].requires_grad);
        Assert.True(parameters["lora_A"].requires_grad);
        Assert.True(parameters["lora_B"].requires_grad);
        Assert.Equal([4L, 8 * 3 * 3], parameters["lora_A"].shape);
        Assert.Equal([16L, 4], parameters["lora_B"].shape);
        Assert.Equal(0f, parameters["lora_B"].abs().sum().item<float>());
        Assert.True(parameters["lora_A"].abs().sum().item<float>() > 0);
        Assert.Equal(1.0, lora.Scale);
    }

    [Fact]
    public void FollowsTheModuleWhenItMovesToAnotherDtype()
    {
        // Moving a model (e.g. .to(device)) replaces registered parameters; the forward must use the moved ones.
        using var lora = new LoRAConv2d(nn.Conv2d(4, 4, 3, padding: 1, bias: false), rank: 2, alpha: 2);
        lora.to(ScalarType.Float64);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var y = lora.forward(randn(1, 4, 6, 6, dtype: ScalarType.Float64));
        Assert.Equal(ScalarType.Float64, y.dtype);
        Assert.All(lora.parameters(), p => Assert.Equal(ScalarType.Float64, p.dtype));
        Assert.Equal(2, lora.parameters().Count(p => p.requires_grad));
    }
}
