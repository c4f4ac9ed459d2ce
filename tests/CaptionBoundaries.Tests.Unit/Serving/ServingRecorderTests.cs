using CaptionBoundaries.Serving;

namespace CaptionBoundaries.Tests.Serving;

public class ServingRecorderTests
{
    [Fact]
    public void Requests_failures_latency_and_class_mix_are_counted_per_version()
    {
        var recorder = new ServingRecorder();
        for (var i = 1; i <= 100; i++) recorder.Answered("m", 1, ServingRoutes.Production, ["same", i % 4 == 0 ? "different" : "same"], i);
        recorder.Answered("m", 2, ServingRoutes.Canary, ["empty_empty"], 7);
        recorder.Failed("m", 2, ServingFailureReasons.BadInput);
        recorder.Failed("m", null, ServingFailureReasons.NoActiveVersion);
        recorder.ShadowCompared("m", 2, compared: 10, disagreed: 3);
        recorder.Answered("other", 1, ServingRoutes.Production, ["same"], 1);

        var stats = recorder.Snapshot("m");
        Assert.Equal([1, 2], stats.Select(s => s.Version));
        var v1 = stats[0];
        Assert.Equal((100, 200), (v1.Requests, v1.Samples));
        Assert.Equal(175, v1.ClassMix["same"]);
        Assert.Equal(25, v1.ClassMix["different"]);
        // Nearest rank over the latencies 1..100 ms.
        Assert.Equal((50.0, 95.0, 99.0), (v1.LatencyP50Ms!.Value, v1.LatencyP95Ms!.Value, v1.LatencyP99Ms!.Value));
        Assert.Equal(0, v1.Failures);
        var v2 = stats[1];
        Assert.Equal(1, v2.RequestsByRoute[ServingRoutes.Canary]);
        Assert.Equal(1, v2.FailuresByReason[ServingFailureReasons.BadInput]);
        Assert.Equal(0.3, v2.ShadowDisagreementRate!.Value, 9);
        Assert.Equal(1, recorder.FailuresWithoutVersion("m")[ServingFailureReasons.NoActiveVersion]);
    }

    [Fact]
    public void Latency_percentiles_cover_the_most_recent_window_only()
    {
        var recorder = new ServingRecorder();
        for (var i = 0; i < ServingRecorder.LatencyWindow; i++) recorder.Answered("m", 1, ServingRoutes.Production, ["same"], 1000);
        for (var i = 0; i < ServingRecorder.LatencyWindow; i++) recorder.Answered("m", 1, ServingRoutes.Production, ["same"], 2);
        Assert.Equal(2.0, recorder.Snapshot("m")[0].LatencyP99Ms);
    }
}
