using CaptionBoundaries.Bench.PyTorch;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Datasets;

namespace CaptionBoundaries.Tests.Bench;

/// <summary>The pure parts of `bench pytorch`: the median, the peer script's report, the ratios and their targets.</summary>
public sealed class PyTorchComparisonTests
{
    // One line, as the script prints it.
    private const string PeerJson = """
        {"torch_version":"1.13.0a0","threads":2,"device":"cpu","parameters":30413893,"image_size":64,"batch_size":16,"train_step":{"median_seconds":1.0,"samples_per_second":16.0,"seconds":[1.0,1.1,0.9]},"forward":[{"batch_size":1,"median_seconds":0.05,"samples_per_second":20.0,"seconds":[0.05]},{"batch_size":16,"median_seconds":0.4,"samples_per_second":40.0,"seconds":[0.4]}]}
        """;

    [Fact]
    public void Median_of_odd_and_even_counts_and_unsorted_input()
    {
        Assert.Equal(2.0, Median.Of([3.0, 1.0, 2.0]));
        Assert.Equal(2.5, Median.Of([4.0, 1.0, 3.0, 2.0]));
        Assert.Equal(7.0, Median.Of([7.0]));
        Assert.Throws<ArgumentException>(() => Median.Of([]));
    }

    [Fact]
    public void Parses_the_last_line_of_the_script_output()
    {
        var peer = PyTorchPeerResult.Parse("a library warning\n" + PeerJson + "\n");
        Assert.Equal(30_413_893, peer.Parameters);
        Assert.Equal(1.0, peer.TrainStep.MedianSeconds);
        Assert.Equal(40.0, peer.ForwardAt(16).SamplesPerSecond);
        Assert.Throws<InvalidOperationException>(() => peer.ForwardAt(8));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Traceback (most recent call last):")]
    [InlineData("""{"parameters":5}""")]
    [InlineData("""{"parameters":5,"batch_size":16,"train_step":{"median_seconds":0,"samples_per_second":1},"forward":[]}""")]
    public void Refuses_output_that_is_not_a_complete_report(string stdout) =>
        Assert.Throws<InvalidDataException>(() => PyTorchPeerResult.Parse(stdout));

    [Fact]
    public void Ratios_divide_ours_by_pytorch_and_judge_times_at_most_and_throughputs_at_least()
    {
        var peer = PyTorchPeerResult.Parse(PeerJson);
        // Trainer step 1.05 s against 1.0 s; 15 samples/s steady against 16; serving at mean batch 15.6 -> compared at 16.
        var ours = Measurements(trainerStep: 1.05, steadySamples: 150, loadSeconds: 1.0, steadySeconds: 9.0, servingRequests: 70,
            servingSeconds: 2.0, meanBatch: 15.6);
        var rows = PyTorchComparison.Build(ours, peer);

        var step = rows.Single(r => r.Measure == "Trainer step time");
        Assert.Equal(1.05, step.Ratio, 6);
        Assert.True(step.Met);

        var e2e = rows.Single(r => r.Measure == "End-to-end training throughput");
        Assert.Equal(15.0 / 16.0, e2e.Ratio, 6);
        Assert.True(e2e.Met);

        var serving = rows.Single(r => r.Measure == "Serving throughput");
        Assert.Equal(16, ours.ServingBatchSize);
        Assert.Equal(35.0 / 40.0, serving.Ratio, 6);
        Assert.False(serving.Met);
        Assert.Contains("batch 16", serving.Divides);

        Assert.All(rows.Where(r => r.Measure.EndsWith("(context)", StringComparison.Ordinal)), r => Assert.Null(r.Met));
        Assert.Contains(rows, r => r.Measure == "TorchSharp raw forward, batch 1 (context)" && Math.Abs(r.Ratio - 1.1) < 1e-9);
    }

    [Fact]
    public void A_slower_trainer_step_misses_its_target()
    {
        var rows = PyTorchComparison.Build(Measurements(trainerStep: 1.2), PyTorchPeerResult.Parse(PeerJson));
        Assert.False(rows.Single(r => r.Measure == "Trainer step time").Met);
    }

    [Fact]
    public void Refuses_to_compare_steps_of_different_batch_sizes() =>
        Assert.Throws<InvalidOperationException>(() => PyTorchComparison.Build(Measurements(batchSize: 8), PyTorchPeerResult.Parse(PeerJson)));

    [Theory]
    [InlineData(160, true)]
    [InlineData(64, false)]
    [InlineData(1, false)]
    public void The_generated_dataset_is_the_smallest_whose_train_split_holds_the_steps(int trainSamples, bool exact)
    {
        static int Train(int perClass) =>
            5 * (perClass - SyntheticDatasetGenerator.ValidationCountPerClass(perClass, PyTorchBenchRunner.ValidationFraction));
        var spc = PyTorchBenchRunner.SamplesPerClassFor(trainSamples);
        Assert.True(Train(spc) >= trainSamples);
        Assert.True(spc == 2 || Train(spc - 1) < trainSamples);
        Assert.Equal(exact, Train(spc) == trainSamples);
    }

    [Theory]
    [InlineData("0.52 0.58 0.59 1/467 12345", 0.52)]
    [InlineData("9.05 6.58 3.39 3/900 1", 9.05)]
    [InlineData("", null)]
    public void Reads_the_one_minute_load_average(string line, double? expected) => Assert.Equal(expected, LoadAverage.Parse(line));

    private static OurMeasurements Measurements(
        double trainerStep = 1.0, int batchSize = 16, int steadySamples = 160, double loadSeconds = 0, double steadySeconds = 10,
        int servingRequests = 80, double servingSeconds = 2, double meanBatch = 16) =>
        new(30_413_893, batchSize, RawStepTimes: [0.9, 1.0, 1.4], TrainerStepTimes: [trainerStep, trainerStep - 0.1, trainerStep + 0.5], LoadSeconds: loadSeconds,
            SteadySamples: steadySamples, SteadySeconds: steadySeconds, RunSamples: 320, RunSeconds: 22, ExcludedSeconds: 3,
            ServingRequests: servingRequests, ServingCallers: 32, ServingSeconds: servingSeconds, ServingMeanBatch: meanBatch,
            ServingLargestBatch: 16, ServingPrepareSeconds: 0.002, RawForwardSamplesPerSecond: new Dictionary<int, double> { [1] = 22.0, [16] = 44.0 });
}
