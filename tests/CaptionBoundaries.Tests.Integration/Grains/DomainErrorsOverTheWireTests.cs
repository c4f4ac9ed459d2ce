using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Tests.Support;

namespace CaptionBoundaries.Tests.Grains;

/// <summary>
/// A grain's refusal reaches a cluster client (a separate process's view: every call is serialised) as the same
/// <see cref="DomainException"/>, with its kind, field and message, never a re-wrapped framework exception or Orleans'
/// stand-in for a type it cannot read.
/// </summary>
public sealed class DomainErrorsOverTheWireTests(SchedulingClusterFixture fixture) : IClassFixture<SchedulingClusterFixture>
{
    private GrainCluster C => fixture.Cluster;

    [Fact]
    public async Task AnUnknownExperimentIsNotFound()
    {
        var id = Guid.NewGuid();
        var e = await Refused.As(DomainErrorKind.NotFound, () => C.Experiment(id).Cancel());
        Assert.Equal($"No experiment has id '{id}'.", e.Message);
        Assert.Null(e.Field);
    }

    [Fact]
    public async Task ASpecThatCannotRunIsInvalidAndNamesTheField()
    {
        var e = await Refused.As(DomainErrorKind.Invalid, () => C.Experiment(Guid.NewGuid()).Submit(C.Spec("typo", 1) with { Architecture = "resnet_9000" }));
        Assert.Equal("architecture", e.Field);
        Assert.Contains("resnet_9000", e.Message);
        Assert.Contains("tiny_test_cnn", e.Message);

        var config = await Refused.As(DomainErrorKind.Invalid, () => C.Experiment(Guid.NewGuid()).Submit(
            C.Spec("bad-key", 1) with { ModelConfig = new Dictionary<string, string> { ["widht"] = "3" } }));
        Assert.Equal("model_config.widht", config.Field);
    }

    [Fact]
    public async Task AQuotaOutOfRangeIsInvalidAndNamesTheField()
    {
        var e = await Refused.As(DomainErrorKind.Invalid, () => C.Scheduler.SetQuota("dave", 0));
        Assert.Equal("slots", e.Field);
        Assert.Contains("got 0", e.Message);
    }

    [Fact]
    public async Task ASweepDefinitionThatCannotRunIsInvalidAndNamesTheField()
    {
        // A grid cannot enumerate a continuous distribution: one problem, so the refusal names its path.
        const string definition = "name: grid\nmethod: grid\nmetric: {name: val_macro_f1, goal: maximize}\nparameters:\n  lr: {distribution: uniform, min: 0.001, max: 0.01}\n";
        var e = await Refused.As(DomainErrorKind.Invalid, () => C.Client.GetGrain<ISweepGrain>(Guid.NewGuid()).Start(definition, C.Spec("grid", 1)));
        Assert.True(e.Field == "parameters.lr", $"{e.Field}: {e.Message}");
        Assert.Contains("cannot be enumerated", e.Message);
    }

    [Fact]
    public async Task PreemptingARunThatIsNotRunningIsAConflict()
    {
        var (id, _) = await C.SubmitAsync(C.Spec("ended", 2000));
        await C.Experiment(id).Cancel();
        await C.WaitForPhase(id, ExperimentStatus.Cancelled);

        var e = await Refused.As(DomainErrorKind.Conflict, () => C.Experiment(id).Preempt("admin", "make room"));
        Assert.Contains("only a running experiment can be pre-empted", e.Message);
        await Eventually.True(async () => (await C.Scheduler.GetSnapshot()).Slots.All(s => s.ExperimentId is null), 60,
            () => "the cancelled run should free its slot");
    }
}
