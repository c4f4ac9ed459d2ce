using CaptionBoundaries.Plugins.Architectures;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CaptionBoundaries.Tests.Architectures;

[Collection(ArchitectureCollection.Name)]
public class SharedBackboneResNet50Tests(ITestOutputHelper output)
{
    private const long ReferenceParameters = 30_771_653;

    [Fact]
    public void CountIsNearTheReferenceAndMatchesTheFormula()
    {
        var architecture = new SharedBackboneResNet50();
        var config = ArchitectureTestData.Config(architecture);
        using var model = architecture.Create(config);

        var count = model.CountParameters();
        output.WriteLine($"total {count.Total:N0}, trainable {count.Trainable:N0} ({count.TrainableFraction:P2})");
        ArchitectureTestData.AssertWithinPercent(ReferenceParameters, count.Total, 10);
        Assert.Equal(count.Total, count.Trainable);
        Assert.Equal(count, architecture.CountParameters(config));
    }

    [Fact]
    public void ForwardGivesBatchBy5()
    {
        using var model = new SharedBackboneResNet50().Create(ArchitectureTestData.Config(new SharedBackboneResNet50()));
        model.eval();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var logits = model.forward(ArchitectureTestData.RandomInputs(batch: 2));
        Assert.Equal([2L, 5L], logits.shape);
    }

    [Fact]
    public void TrainingStepReachesEveryParameter()
    {
        using var model = new SharedBackboneResNet50().Create(ArchitectureTestData.Config(new SharedBackboneResNet50()));
        model.train();
        using var scope = NewDisposeScope();
        var logits = model.forward(ArchitectureTestData.RandomInputs(batch: 2, side: 32));
        logits.sum().backward();
        Assert.All(model.named_parameters(), p => Assert.True(p.parameter.grad is not null, $"{p.name} has no gradient"));
    }
}
