using System.Diagnostics;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Checkpoints;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Inference;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Serving;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace CaptionBoundaries.Bench.PyTorch;

/// <summary>
/// Measures, in this process and one after another so they never share the cores: a raw TorchSharp training step of
/// the shared-backbone ResNet-50, the project's <see cref="Trainer"/> on a synthetic dataset generated on disk (its
/// step times and its end-to-end throughput), the project's serving path (<see cref="LoadedModelCache"/>, the batching
/// cache the predictor grain uses) under concurrent callers on the checkpoint that training wrote, and raw TorchSharp
/// forward passes. Then runs the PyTorch peer script with the same sizes and thread count.
/// </summary>
public sealed class PyTorchBenchRunner(PluginRegistry plugins, Trainer trainer, CheckpointLoader loader)
{
    /// <summary>Share of each class the generated dataset puts in validation: validation is not what is measured.</summary>
    public const double ValidationFraction = 0.1;

    public async Task<(OurMeasurements Ours, PyTorchPeerResult Peer)> RunAsync(
        PyTorchBenchSettings settings, Action<string> phase, CancellationToken cancellationToken)
    {
        settings.Validate();
        var script = PyTorchPeer.FindScript(settings.Script);
        var device = DeviceSelection.Resolve(settings.Device);
        // Both sides get the same intra-op thread count; libtorch's default (physical cores) differs between builds.
        torch.set_num_threads(settings.Threads);

        phase($"raw TorchSharp training step ({settings.Warmup} warm-up + {settings.Steps} timed)");
        var (parameters, rawStep) = RawTrainingStep(settings, device);

        var scratch = Path.Combine(Path.GetTempPath(), $"cb-bench-pytorch-{Guid.NewGuid():N}");
        try
        {
            phase("generating the synthetic dataset");
            var datasetFolder = Path.Combine(scratch, "dataset");
            var spc = SamplesPerClassFor(settings.Steps * settings.BatchSize);
            SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions
            {
                OutputFolder = datasetFolder,
                SamplesPerClass = spc,
                Seed = settings.Seed,
                ValidationFraction = ValidationFraction,
            });

            var training = TrainWithTrainer(settings, device, datasetFolder, Path.Combine(scratch, "checkpoints"), phase, cancellationToken);

            phase($"serving: {settings.ServingRequests} requests from {settings.ServingCallers} concurrent callers");
            var serving = await ServeAsync(settings, datasetFolder, training.Checkpoint, cancellationToken);

            var sizes = new SortedSet<int> { 1, new ServingOptions().MaxBatchSize, serving.BatchSize };
            phase($"raw TorchSharp forward at batch {string.Join(", ", sizes)}");
            var forward = RawForward(settings, device, sizes);

            var ours = new OurMeasurements(parameters, settings.BatchSize, rawStep, training.StepTimes, training.LoadSeconds,
                training.SteadySamples, training.SteadySeconds, training.RunSamples, training.RunSeconds, training.ExcludedSeconds,
                settings.ServingRequests, settings.ServingCallers, serving.Seconds, serving.MeanBatch, serving.LargestBatch, serving.PrepareSeconds, forward);

            phase($"PyTorch ({settings.Python} {script})");
            var peer = await PyTorchPeer.RunAsync(settings, script, sizes, cancellationToken);
            return (ours, peer);
        }
        finally
        {
            try
            {
                if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
            }
            catch (IOException)
            {
                // A scratch folder left in the temp directory is harmless.
            }
        }
    }

    /// <summary>Smallest balanced dataset whose train split holds at least <paramref name="trainSamples"/>.</summary>
    public static int SamplesPerClassFor(int trainSamples)
    {
        var spc = Math.Max(2, (int)Math.Ceiling(trainSamples / (double)TaskSpec.ClassCount));
        while (TaskSpec.ClassCount * (spc - SyntheticDatasetGenerator.ValidationCountPerClass(spc, ValidationFraction)) < trainSamples) spc++;
        return spc;
    }

    private CaptionBoundaryModel CreateModel(Device device)
    {
        var architecture = plugins.GetArchitecture(PyTorchBenchSettings.Architecture);
        var model = architecture.Create(architecture.DefaultConfig);
        model.to(device);
        return model;
    }

    private (long Parameters, List<double> Seconds) RawTrainingStep(PyTorchBenchSettings s, Device device)
    {
        torch.manual_seed(s.Seed);
        using var model = CreateModel(device);
        var parameters = model.CountParameters().Total;
        // The Trainer's optimiser with the Trainer's default hyperparameters.
        var hp = BenchSpec(s).Hyperparameters;
        using var optimizer = optim.AdamW(model.parameters(), lr: hp.LearningRate, weight_decay: hp.WeightDecay);
        using var batch = RandomBatch(s.BatchSize, s.ImageSize, device);
        model.train();
        var times = new List<double>();
        for (var i = 0; i < s.Warmup + s.Steps; i++)
        {
            using var scope = torch.NewDisposeScope();
            var started = Stopwatch.GetTimestamp();
            optimizer.zero_grad();
            var logits = model.forward(batch.Inputs);
            var loss = nn.functional.cross_entropy(logits, batch.Labels);
            loss.backward();
            optimizer.step();
            loss.item<float>();
            if (i >= s.Warmup) times.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
        return (parameters, times);
    }

    private Dictionary<int, double> RawForward(PyTorchBenchSettings s, Device device, IEnumerable<int> sizes)
    {
        // After the awaits above this may be another thread. libtorch keeps an OpenMP thread count per thread, seeded from
        // the last set_num_threads when the thread first runs an op; setting it here rules out a thread seeded earlier.
        torch.set_num_threads(s.Threads);
        torch.manual_seed(s.Seed);
        using var model = CreateModel(device);
        model.eval();
        var result = new Dictionary<int, double>();
        foreach (var size in sizes)
        {
            using var batch = RandomBatch(size, s.ImageSize, device);
            var times = new List<double>();
            for (var i = 0; i < s.Warmup + s.Steps; i++)
            {
                using var noGrad = torch.no_grad();
                using var scope = torch.NewDisposeScope();
                var started = Stopwatch.GetTimestamp();
                // As the serving batcher ends a forward: probabilities copied out to managed memory.
                _ = nn.functional.softmax(model.forward(batch.Inputs), 1).cpu().data<float>().ToArray();
                if (i >= s.Warmup) times.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
            }
            result[size] = size / Median.Of(times);
        }
        return result;
    }

    private static DatasetBatch RandomBatch(int n, int size, Device device)
    {
        Tensor Image() => rand(n, TaskSpec.ImageChannels, size, size, device: device);
        var inputs = new CaptionInputs(Image(), Image(), Image(),
            rand(n, TaskSpec.SpatialFeatureCount, device: device), randn(n, TaskSpec.FontEmbeddingDimension, device: device));
        return new DatasetBatch(inputs, randint(0, TaskSpec.ClassCount, [n], device: device), []);
    }

    private sealed record TrainingMeasurement(
        List<double> StepTimes, double LoadSeconds, int SteadySamples, double SteadySeconds, int RunSamples, double RunSeconds, double ExcludedSeconds,
        string Checkpoint);

    /// <summary>
    /// Loads the dataset from disk and trains with the project's Trainer. The steady end-to-end figure counts the epochs
    /// after the first (the first pays model set-up and warm-up, which the raw steps leave out too): from the end of the
    /// previous epoch to the end of the epoch's last step, so batch assembly is in and validation is out; the whole
    /// dataset load is added to it, not amortised.
    /// </summary>
    private TrainingMeasurement TrainWithTrainer(
        PyTorchBenchSettings s, Device device, string datasetFolder, string checkpointFolder, Action<string> phase, CancellationToken ct)
    {
        phase("loading the dataset from disk");
        var clock = Stopwatch.StartNew();
        var embedder = plugins.GetEmbedder(PyTorchBenchSettings.Embedder);
        var dataset = CaptionDataset.Load(datasetFolder, embedder, new ImageTransform(s.ImageSize, s.ImageSize));
        var loadSeconds = clock.Elapsed.TotalSeconds;

        var architecture = plugins.GetArchitecture(PyTorchBenchSettings.Architecture);
        var hp = BenchSpec(s).Hyperparameters;
        var run = new TrainingRunSpec(Guid.NewGuid(), PyTorchBenchSettings.Architecture, architecture, architecture.DefaultConfig, hp,
            dataset, PyTorchBenchSettings.Augmentation, plugins.GetAugmentation(PyTorchBenchSettings.Augmentation),
            PyTorchBenchSettings.Embedder, embedder.Version, device, checkpointFolder, "bench", ResumeFrom: null);
        Directory.CreateDirectory(checkpointFolder);

        var steps = new List<double>();
        var lastStepEnd = new Dictionary<int, TimeSpan>();
        var epochEnd = new Dictionary<int, TimeSpan>();
        clock.Restart();
        var outcome = trainer.Run(run, (epoch, _) => epochEnd[epoch.Epoch] = clock.Elapsed, new StepRecorder(p =>
        {
            steps.Add(p.StepSeconds);
            lastStepEnd[p.Epoch] = clock.Elapsed;
            phase($"Trainer: epoch {p.Epoch}/{p.Epochs}, step {p.Step}/{p.StepsPerEpoch} ({p.StepSeconds:F2} s)");
        }), ct);
        var total = clock.Elapsed.TotalSeconds;

        // From the end of an epoch's last step to the end of the epoch: validation and checkpoint writing, not training.
        var excluded = epochEnd.Sum(e => (e.Value - lastStepEnd[e.Key]).TotalSeconds);
        var steady = Enumerable.Range(2, s.Epochs - 1).Sum(e => (lastStepEnd[e] - epochEnd[e - 1]).TotalSeconds);
        return new TrainingMeasurement([.. steps.Skip(s.Warmup)], loadSeconds,
            dataset.Train.Count * (s.Epochs - 1), steady, dataset.Train.Count * s.Epochs, total - excluded, excluded,
            outcome.LastCheckpoint ?? throw new InvalidOperationException("The trainer wrote no checkpoint."));
    }

    private sealed record ServingMeasurement(double Seconds, double MeanBatch, int LargestBatch, double PrepareSeconds)
    {
        public int BatchSize => Math.Max(1, (int)Math.Round(MeanBatch, MidpointRounding.AwayFromZero));
    }

    private async Task<ServingMeasurement> ServeAsync(PyTorchBenchSettings s, string datasetFolder, string checkpoint, CancellationToken ct)
    {
        var options = new ServingOptions();
        await using var cache = new LoadedModelCache(loader, plugins, options, NullLogger<LoadedModelCache>.Instance);
        var version = new ModelVersionInfo(1, checkpoint, CheckpointFile.FileSha256(checkpoint), PyTorchBenchSettings.Architecture,
            null, null, DateTime.UtcNow);
        var active = new ActiveModelVersion("bench-pytorch", version, 1);
        var manifest = DatasetManifest.Load(datasetFolder);
        var inputs = manifest.Samples.Select(sample =>
        {
            var paths = DatasetManifest.ImageFields(sample).Select(f => DatasetManifest.ResolveImagePath(datasetFolder, sample, f.Field, f.Path)).ToArray();
            // Bytes, as a client sends them: serving never reads a path.
            return new PredictionInput(InputImage.FromEncoded(File.ReadAllBytes(paths[0])), InputImage.FromEncoded(File.ReadAllBytes(paths[1])),
                InputImage.FromEncoded(File.ReadAllBytes(paths[2])), sample.SpatialFeatures, sample.CaptionBox);
        }).ToArray();

        // What each request costs before the model sees it (decode three PNGs, resize, font embedding, tensors), on one
        // thread: in serving this runs on the thread pool beside the forward passes, on the same cores.
        var embedder = plugins.GetEmbedder(PyTorchBenchSettings.Embedder);
        var transform = new ImageTransform(s.ImageSize, s.ImageSize);
        var prepare = inputs.Take(Math.Min(inputs.Length, 32)).Select(input =>
        {
            var started = Stopwatch.GetTimestamp();
            var sample = CaptionDataset.PrepareSingle(RgbImage.Decode(input.Frame1.Encoded!), RgbImage.Decode(input.Frame2.Encoded!),
                RgbImage.Decode(input.OcrViz.Encoded!), input.SpatialFeatures, embedder, transform, input.CaptionBox);
            foreach (var t in CaptionDataset.ToInputs(sample, transform).Tensors) t.Dispose();
            return Stopwatch.GetElapsedTime(started).TotalSeconds;
        }).ToList();

        async Task Send(int count, int callers)
        {
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    ct.ThrowIfCancellationRequested();
                    await cache.PredictAsync(active, inputs[i % inputs.Length]);
                }
            }, ct)));
        }

        // Warm-up: loads the checkpoint and runs a full batch, so the timed part measures steady serving.
        await Send(options.MaxBatchSize, options.MaxBatchSize);
        var before = cache.Statistics;
        var clock = Stopwatch.StartNew();
        await Send(s.ServingRequests, s.ServingCallers);
        var seconds = clock.Elapsed.TotalSeconds;
        var after = cache.Statistics;
        var passes = after.ForwardPasses - before.ForwardPasses;
        return new ServingMeasurement(seconds, (double)(after.Requests - before.Requests) / passes, after.LargestBatch, Median.Of(prepare));
    }

    private sealed class StepRecorder(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    /// <summary>The run the bench trains: the platform's defaults, with the bench's batch, epochs, seed and size.</summary>
    private static RunSpec BenchSpec(PyTorchBenchSettings s) => new()
    {
        Name = "bench",
        DatasetFolder = "",
        Architecture = PyTorchBenchSettings.Architecture,
        BatchSize = s.BatchSize,
        Epochs = s.Epochs,
        Seed = s.Seed,
        ImageHeight = s.ImageSize,
        ImageWidth = s.ImageSize,
    };
}
