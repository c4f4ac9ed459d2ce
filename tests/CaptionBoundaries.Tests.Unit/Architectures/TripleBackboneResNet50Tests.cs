using CaptionBoundaries.Plugins.Architectures;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CaptionBoundaries.Tests.Architectures;

[Collection(ArchitectureCollection.Name)]
public class TripleBackboneResNet50Tests(ITestOutputHelper output)
{
    private const long ReferenceParameters = 77_787_717;

    // One build for count and forward: the model holds 77M parameters.
    [Fact]
    public void CountIsNearTheReferenceAndForwardGivesBatchBy5()
    {
        var architecture = new TripleBackboneResNet50();
        var config = ArchitectureTestData.Config(architecture);
        using var model = architecture.Create(config);

        var count = model.CountParameters();
        output.WriteLine($"total {count.Total:N0}, trainable {count.Trainable:N0} ({count.TrainableFraction:P2})");
        ArchitectureTestData.AssertWithinPercent(ReferenceParameters, count.Total, 10);
        Assert.Equal(count.Total, count.Trainable);
        Assert.Equal(count, architecture.CountParameters(config));

        model.eval();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var logits = model.forward(ArchitectureTestData.RandomInputs(batch: 2));
        Assert.Equal([2L, 5L], logits.shape);
        Assert.False(logits.isnan().any().item<bool>());
    }

    [Fact]
    public void HasThreeSeparateBackbones()
    {
        using var model = (TripleBackboneResNet50Model)new TripleBackboneResNet50().Create(ArchitectureTestData.Config(new TripleBackboneResNet50()));
        var ocr = ArchitectureTestData.Parameters(model.OcrBackbone)["conv1.weight"];
        var f1 = ArchitectureTestData.Parameters(model.Frame1Backbone)["conv1.weight"];
        var f2 = ArchitectureTestData.Parameters(model.Frame2Backbone)["conv1.weight"];
        Assert.False(ocr.IsExactly(f1));
        Assert.False(f1.IsExactly(f2));
    }
}
