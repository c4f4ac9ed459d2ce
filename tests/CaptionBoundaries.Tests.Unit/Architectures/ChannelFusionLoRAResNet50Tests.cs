using CaptionBoundaries.Contracts;
using CaptionBoundaries.Plugins.Architectures;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CaptionBoundaries.Tests.Architectures;

[Collection(ArchitectureCollection.Name)]
public class ChannelFusionLoRAResNet50Tests(ITestOutputHelper output)
{
    private const long ReferenceTotal = 27_000_000;
    private const long ReferenceTrainable = 3_900_000;

    private static ChannelFusionLoRAResNet50Model Create(params (string Key, string Value)[] overrides)
    {
        var architecture = new ChannelFusionLoRAResNet50();
        return (ChannelFusionLoRAResNet50Model)architecture.Create(ArchitectureTestData.Config(architecture, overrides));
    }

    [Fact]
    public void CountsAreNearTheReferenceAtRank16()
    {
        using var model = Create();
        var count = model.CountParameters();
        output.WriteLine($"total {count.Total:N0}, trainable {count.Trainable:N0} ({count.TrainableFraction:P2})");
        ArchitectureTestData.AssertWithinPercent(ReferenceTotal, count.Total, 10);
        ArchitectureTestData.AssertWithinPercent(ReferenceTrainable, count.Trainable, 10);
        Assert.InRange(count.TrainableFraction, 0.10, 0.18);
    }

    [Fact]
    public void OnlyAdaptersFusionAndHeadAreTrainable()
    {
        using var model = Create();
        foreach (var (name, p) in model.named_parameters())
        {
            var expected = name.StartsWith("fusion.") || name.StartsWith("head.") || LoRABackbone.IsAdapterParameter(name);
            Assert.True(expected == p.requires_grad, $"{name}: requires_grad is {p.requires_grad}");
        }
        // Every conv of the backbone carries an adapter: 1 stem + 16 blocks x 3 + 4 downsample projections.
        Assert.Equal(53, model.Adapters.Count());
        Assert.DoesNotContain(model.Backbone.modules(), m => m is Conv2d);
    }

    [Fact]
    public void ForwardGivesBatchBy5()
    {
        using var model = Create();
        model.eval();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Assert.Equal([2L, 5L], model.forward(ArchitectureTestData.RandomInputs(batch: 2)).shape);
    }

    [Fact]
    public void FusionStartsAsThePerChannelAverageOfTheThreeImages()
    {
        using var model = Create();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var inputs = ArchitectureTestData.RandomInputs(batch: 1, side: 32);
        var fused = model.Fusion.forward(inputs.OcrViz, inputs.Frame1, inputs.Frame2);
        var average = (inputs.OcrViz + inputs.Frame1 + inputs.Frame2) / 3;
        Assert.True(fused.allclose(average, rtol: 1e-5, atol: 1e-6));
        Assert.Equal(0f, model.Fusion.Conv.bias!.abs().sum().item<float>());
    }

    [Fact]
    public void AdaptersLeaveTheBaseOutputUnchangedAtInitAndChangeItOnceBIsNonZero()
    {
        using var model = Create();
        model.eval();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var inputs = ArchitectureTestData.RandomInputs(batch: 2);

        var adapted = model.forward(inputs);
        model.AdaptersEnabled = false;
        var frozenBase = model.forward(inputs);
        Assert.True(adapted.IsExactly(frozenBase), "B = 0 must make the adapted model equal its frozen base");

        foreach (var adapter in model.Adapters) adapter.LoraB.normal_(0, 0.05);
        model.AdaptersEnabled = true;
        var changed = model.forward(inputs);
        Assert.False(changed.allclose(frozenBase), "non-zero B must change the output");
    }

    [Fact]
    public void BackwardFillsOnlyTrainableGradients()
    {
        using var model = Create();
        model.train();
        using var scope = NewDisposeScope();
        var logits = model.forward(ArchitectureTestData.RandomInputs(batch: 2, side: 32));
        logits.sum().backward();
        foreach (var (name, p) in model.named_parameters())
        {
            if (p.requires_grad) Assert.True(p.grad is not null, $"trainable {name} got no gradient");
            else Assert.True(p.grad is null, $"frozen {name} got a gradient");
        }
        // With B = 0 only B's gradient is non-zero; it is what moves the model off its base first.
        Assert.Contains(model.Adapters, a => a.LoraB.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void BackboneBatchNormStaysInEvalModeWhileTraining()
    {
        using var model = Create();
        model.train();
        Assert.True(model.training);
        Assert.All(model.Backbone.modules().OfType<BatchNorm2d>(), bn => Assert.False(bn.training));
        Assert.Contains(model.modules(), m => m is Dropout && m.training);

        // Running statistics must not move during a training forward.
        var before = model.Backbone.state_dict()["bn1.running_mean"].clone();
        using (var scope = NewDisposeScope())
        {
            model.forward(ArchitectureTestData.RandomInputs(batch: 2, side: 32));
        }
        Assert.True(model.Backbone.state_dict()["bn1.running_mean"].IsExactly(before));
    }

    [Fact]
    public void RankChangesTheTrainableCount()
    {
        using var rank4 = Create(("lora_rank", "4"));
        using var rank16 = Create();
        Assert.True(rank4.CountParameters().Trainable < rank16.CountParameters().Trainable);
        Assert.Equal(rank4.CountParameters().Total - rank4.CountParameters().Trainable,
                     rank16.CountParameters().Total - rank16.CountParameters().Trainable);
        Assert.All(rank4.Adapters, a => Assert.Equal(4, a.Rank));
    }
}
