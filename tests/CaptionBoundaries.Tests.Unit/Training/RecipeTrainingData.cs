using System.Collections.Concurrent;
using System.Security.Cryptography;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Plugins.Augmentations;
using CaptionBoundaries.Plugins.Embedders;
using CaptionBoundaries.Tests.Support;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CaptionBoundaries.Tests.Training;

/// <summary>
/// A tiny synthetic dataset with train, validation and test splits, loaded at 32 x 32, and runs of the trainer on it with
/// a linear model (no batch norm, no dropout: a batch's gradient is exactly the mean of its samples').
/// </summary>
public sealed class RecipeTrainingData : IDisposable
{
    public const int SamplesPerClass = 8;

    private readonly TempFolder _folder = new("cb-recipe");

    public RecipeTrainingData()
    {
        DatasetFolder = _folder.Combine("dataset");
        SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions
        {
            OutputFolder = DatasetFolder,
            SamplesPerClass = SamplesPerClass,
            Seed = 21,
            Width = 48,
            Height = 32,
            ValidationFraction = 0.25,
            TestFraction = 0.25,
        });
        Dataset = CaptionDataset.Load(DatasetFolder, new GlyphProfileFontEmbedder(), new ImageTransform(32, 32));

        // No test split, and a train split of 1, 6, 6, 6, 6 samples per class.
        var imbalanced = _folder.Combine("imbalanced");
        var manifest = SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions
        {
            OutputFolder = imbalanced,
            SamplesPerClass = SamplesPerClass,
            Seed = 22,
            Width = 48,
            Height = 32,
            ValidationFraction = 0.25,
        });
        var firstClass = TaskSpec.Classes[0];
        var kept = manifest.Samples.Where(s => s.Split != DatasetSplit.Train || s.Label != firstClass).ToList();
        kept.Add(manifest.Samples.First(s => s.Split == DatasetSplit.Train && s.Label == firstClass));
        (manifest with { Samples = kept }).Save(imbalanced);
        Imbalanced = CaptionDataset.Load(imbalanced, new GlyphProfileFontEmbedder(), new ImageTransform(32, 32));
    }

    /// <summary>Train and validation only, with one class rare in the train split.</summary>
    public CaptionDataset Imbalanced { get; }

    public string DatasetFolder { get; }

    public CaptionDataset Dataset { get; }

    public TrainingRunSpec Spec(IModelArchitecture architecture, TrainingRecipe recipe, int epochs = 2, int batchSize = 4, double lr = 1e-2,
        CaptionDataset? dataset = null) => new(
        Guid.NewGuid(), architecture.Name, architecture, architecture.DefaultConfig,
        new TrainingHyperparameters
        {
            LearningRate = lr,
            BatchSize = batchSize,
            Epochs = epochs,
            WeightDecay = 0,
            Seed = 7,
            ImageHeight = 32,
            ImageWidth = 32,
            Recipe = recipe,
        },
        dataset ?? Dataset, "none", new NoAugmentation(), "glyph_profile", "1.0.0", CPU,
        _folder.Combine("runs", Guid.NewGuid().ToString("N")), "test", ResumeFrom: null);

    public void Dispose() => _folder.Dispose();
}

/// <summary>
/// linear_probe: per-channel means of the three images, the spatial features and the font embedding into one linear layer.
/// Every forward is recorded (training mode or not, and a fingerprint of each sample's frame1), so a test can tell which
/// samples the model saw while training and which only while being evaluated.
/// </summary>
public sealed class LinearProbeArchitecture : IModelArchitecture
{
    public string Name => "linear_probe";

    public string Description => "Test-only linear model that records what it is fed.";

    public ModelConfig DefaultConfig => new();

    public ConcurrentQueue<(bool Training, string Sample)> Seen { get; } = new();

    public CaptionBoundaryModel Create(ModelConfig config) => new LinearProbeModel(Seen);

    /// <summary>A sample's frame1 as the model receives it (bytes / 255), fingerprinted from its 8-bit plane.</summary>
    public static string Fingerprint(byte[] frame1Plane) => Convert.ToHexString(SHA256.HashData(frame1Plane));

    private sealed class LinearProbeModel : CaptionBoundaryModel
    {
        private readonly Linear output;
        private readonly ConcurrentQueue<(bool, string)> _seen;

        public LinearProbeModel(ConcurrentQueue<(bool, string)> seen) : base("linear_probe")
        {
            _seen = seen;
            output = nn.Linear(3 * TaskSpec.ImageChannels + TaskSpec.SpatialFeatureCount + TaskSpec.FontEmbeddingDimension, TaskSpec.ClassCount);
            RegisterComponents();
        }

        protected override Tensor ForwardLogits(CaptionInputs inputs)
        {
            using (var bytes = inputs.Frame1.detach().cpu().mul(255).round().to(ScalarType.Byte))
            {
                // The batch's frames were bytes / 255: times 255 and rounded, they are the sample's plane again, exactly.
                var all = bytes.data<byte>().ToArray();
                var size = all.Length / (int)inputs.BatchSize;
                for (var i = 0; i < inputs.BatchSize; i++) _seen.Enqueue((training, Fingerprint(all[(i * size)..((i + 1) * size)])));
            }
            using var scope = NewDisposeScope();
            var joined = cat([inputs.Frame1.mean([2, 3]), inputs.Frame2.mean([2, 3]), inputs.OcrViz.mean([2, 3]), inputs.SpatialFeatures, inputs.FontEmbedding], 1);
            return output.forward(joined).MoveToOuterDisposeScope();
        }
    }
}
