using System.Security.Cryptography;
using CaptionBoundaries.Contracts;
using static TorchSharp.torch;

namespace CaptionBoundaries.Domain.Datasets;

/// <summary>
/// A dataset folder loaded into memory: validated, font-embedded, resized to the model input size and
/// identified by <see cref="DatasetIdentity"/>. Batching is deterministic for a given seed, so a seeded
/// training run sees the same batches every time.
/// </summary>
public sealed class CaptionDataset
{
    private CaptionDataset(string folder, string name, string identity, ImageTransform transform, IEmbedder embedder,
        IReadOnlyList<DatasetSample> train, IReadOnlyList<DatasetSample> validation, IReadOnlyList<DatasetSample> test)
    {
        Folder = folder;
        Name = name;
        Identity = identity;
        Transform = transform;
        FontEmbedderName = embedder.Name;
        FontEmbedderVersion = embedder.Version;
        Train = train;
        Validation = validation;
        Test = test;
        TrainClassCounts = CountClasses(train);
        ValidationClassCounts = CountClasses(validation);
    }

    /// <summary>SHA-256 identity of the manifest and every image (see <see cref="DatasetIdentity"/>).</summary>
    public string Identity { get; }

    public string Name { get; }

    /// <summary>Absolute path of the dataset folder.</summary>
    public string Folder { get; }

    public ImageTransform Transform { get; }

    public string FontEmbedderName { get; }

    public string FontEmbedderVersion { get; }

    public IReadOnlyList<DatasetSample> Train { get; }

    public IReadOnlyList<DatasetSample> Validation { get; }

    /// <summary>
    /// The held-out test split (empty when the manifest has none): never trained on nor used to pick a model; a run
    /// evaluates its best checkpoint on it once, at the end.
    /// </summary>
    public IReadOnlyList<DatasetSample> Test { get; }

    /// <summary>Samples per class in the train split, indexed like <see cref="TaskSpec.Classes"/>.</summary>
    public IReadOnlyList<int> TrainClassCounts { get; }

    /// <summary>Samples per class in the validation split, indexed like <see cref="TaskSpec.Classes"/>.</summary>
    public IReadOnlyList<int> ValidationClassCounts { get; }

    public static CaptionDataset Load(string folder, IEmbedder fontEmbedder, ImageTransform transform)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(transform);
        PreparedImages.CheckEmbedder(fontEmbedder);
        transform.Validate();
        folder = Path.GetFullPath(folder);

        // One read per file: the bytes feed both the identity hash and the decoder, so both describe the same data.
        var manifestBytes = DatasetManifest.ReadManifestBytes(folder);
        var manifest = DatasetManifest.Parse(manifestBytes);
        var fileHashes = new List<byte[]>();
        var train = new List<DatasetSample>();
        var validation = new List<DatasetSample>();
        var test = new List<DatasetSample>();
        foreach (var s in manifest.Samples)
        {
            var images = new RgbImage[3];
            var i = 0;
            foreach (var (field, rel) in DatasetManifest.ImageFields(s))
            {
                var path = DatasetManifest.ResolveImagePath(folder, s, field, rel);
                if (!File.Exists(path))
                    throw DatasetFormatException.ForSample(s.Id, field, $"image file '{rel}' does not exist.");
                var bytes = Common.BoundedFile.ReadAllBytes(path, Common.InputLimits.MaxImageBytes, "Image");
                fileHashes.Add(SHA256.HashData(bytes));
                try
                {
                    images[i++] = RgbImage.Decode(bytes);
                }
                catch (Exception e) when (e is not DatasetFormatException)
                {
                    throw DatasetFormatException.ForSample(s.Id, field, $"'{rel}' is not a readable image: {e.Message}");
                }
            }
            var (f1, f2, ocr, embedding) = PreparedImages.Prepare(
                s.Id, images[0], images[1], images[2], s.SpatialFeatures, s.CaptionBox, fontEmbedder, transform);
            var sample = new DatasetSample(s.Id, TaskSpec.ClassIndex(s.Label), s.Split, f1, f2, ocr, s.SpatialFeatures, embedding);
            (s.Split switch { DatasetSplit.Train => train, DatasetSplit.Test => test, _ => validation }).Add(sample);
        }

        return new CaptionDataset(folder, manifest.Name, DatasetIdentity.Combine(manifestBytes, fileHashes),
            transform, fontEmbedder, train, validation, test);
    }

    /// <summary>
    /// Yields batches (the last one may be smaller). With <paramref name="shuffle"/> the order is a
    /// Fisher-Yates permutation from <paramref name="seed"/>, so the same seed gives the same batches.
    /// Each batch owns its tensors: dispose it after use.
    /// </summary>
    public IEnumerable<DatasetBatch> Batches(IReadOnlyList<DatasetSample> samples, int batchSize, bool shuffle, int seed, Device device)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Batch size must be at least 1.");
        var order = Enumerable.Range(0, samples.Count).ToArray();
        if (shuffle)
        {
            var rng = new Random(seed);
            for (var i = order.Length - 1; i > 0; i--)
            {
                var j = rng.Next(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }
        for (var start = 0; start < order.Length; start += batchSize)
        {
            var chunk = order[start..Math.Min(order.Length, start + batchSize)].Select(i => samples[i]).ToArray();
            yield return MakeBatch(chunk, Transform, device);
        }
    }

    /// <summary>Builds a batch from in-memory samples (any subset, in the given order).</summary>
    public static DatasetBatch MakeBatch(IReadOnlyList<DatasetSample> samples, ImageTransform transform, Device device)
    {
        if (samples.Count == 0) throw new ArgumentException("A batch needs at least one sample.", nameof(samples));
        var n = samples.Count;
        var inputs = new CaptionInputs(
            Images(samples.Select(s => s.Frame1), n, transform, device),
            Images(samples.Select(s => s.Frame2), n, transform, device),
            Images(samples.Select(s => s.OcrViz), n, transform, device),
            Vectors(samples.Select(s => s.SpatialFeatures), n, TaskSpec.SpatialFeatureCount, device),
            Vectors(samples.Select(s => s.FontEmbedding), n, TaskSpec.FontEmbeddingDimension, device));
        var labels = OnDevice(tensor(samples.Select(s => (long)s.Label).ToArray(), new long[] { n }), device);
        return new DatasetBatch(inputs, labels, samples.Select(s => s.Id).ToArray());
    }

    /// <summary>
    /// One sample from three image files and its features as a batch of 1, prepared exactly as training data
    /// is (same font region, same resize, same 8-bit rounding). The caller disposes the returned tensors.
    /// </summary>
    public static CaptionInputs LoadSingle(string frame1Path, string frame2Path, string ocrVizPath, float[] spatialFeatures,
        IEmbedder fontEmbedder, ImageTransform transform, float[]? captionBox = null)
    {
        var sample = PrepareSingle(frame1Path, frame2Path, ocrVizPath, spatialFeatures, fontEmbedder, transform, captionBox);
        return ToInputs(sample, transform);
    }

    /// <summary>
    /// One sample from three image files, prepared exactly as training data is, but kept as a
    /// <see cref="DatasetSample"/> (8-bit planes at the model's input size) so a caller can look at what the model
    /// will see (e.g. the monitoring input statistics) before turning it into tensors with <see cref="ToInputs"/>.
    /// </summary>
    public static DatasetSample PrepareSingle(string frame1Path, string frame2Path, string ocrVizPath, float[] spatialFeatures,
        IEmbedder fontEmbedder, ImageTransform transform, float[]? captionBox = null)
    {
        RgbImage Read(string field, string path) => File.Exists(path)
            ? RgbImage.Load(path)
            : throw DatasetFormatException.ForSample("single", field, $"image file '{path}' does not exist.");

        return PrepareSingle(Read("frame1", frame1Path), Read("frame2", frame2Path), Read("ocr_viz", ocrVizPath),
            spatialFeatures, fontEmbedder, transform, captionBox);
    }

    /// <summary>
    /// One sample from three decoded images (a request's bytes), prepared exactly as training data is.
    /// <paramref name="fontEmbedding"/>, when given, is used instead of the embedder's.
    /// </summary>
    public static DatasetSample PrepareSingle(RgbImage frame1, RgbImage frame2, RgbImage ocrViz, float[] spatialFeatures,
        IEmbedder fontEmbedder, ImageTransform transform, float[]? captionBox = null, float[]? fontEmbedding = null)
    {
        PreparedImages.CheckEmbedder(fontEmbedder);
        ArgumentNullException.ThrowIfNull(transform);
        transform.Validate();
        const string id = "single";
        if (spatialFeatures is null || spatialFeatures.Length != TaskSpec.SpatialFeatureCount)
            throw DatasetFormatException.ForSample(id, "spatial_features",
                $"expected {TaskSpec.SpatialFeatureCount} numbers ({string.Join(", ", TaskSpec.SpatialFeatureNames)}), got {spatialFeatures?.Length ?? 0}.");
        if (captionBox is not null && captionBox.Length != 4)
            throw DatasetFormatException.ForSample(id, "caption_box", $"expected [x0, y0, x1, y1], got {captionBox.Length} numbers.");
        if (fontEmbedding is not null && fontEmbedding.Length != TaskSpec.FontEmbeddingDimension)
            throw DatasetFormatException.ForSample(id, "font_embedding", $"expected {TaskSpec.FontEmbeddingDimension} numbers, got {fontEmbedding.Length}.");

        var (f1, f2, ocr, embedding) = PreparedImages.Prepare(id, frame1, frame2, ocrViz, spatialFeatures, captionBox, fontEmbedder, transform, fontEmbedding);
        return new DatasetSample(id, 0, DatasetSplit.Validation, f1, f2, ocr, spatialFeatures, embedding);
    }

    /// <summary>A prepared sample as a batch of 1 on the CPU; the caller disposes the returned tensors.</summary>
    public static CaptionInputs ToInputs(DatasetSample sample, ImageTransform transform)
    {
        var batch = MakeBatch([sample], transform, CPU);
        batch.Labels.Dispose();
        return batch.Inputs;
    }

    /// <summary>Samples per class of a list, indexed like <see cref="TaskSpec.Classes"/>.</summary>
    public static IReadOnlyList<int> CountClasses(IEnumerable<DatasetSample> samples)
    {
        var counts = new int[TaskSpec.ClassCount];
        foreach (var s in samples) counts[s.Label]++;
        return counts;
    }

    private static Tensor Images(IEnumerable<byte[]> planes, int n, ImageTransform transform, Device device)
    {
        var size = 3 * transform.Height * transform.Width;
        var all = new byte[n * size];
        var i = 0;
        foreach (var p in planes)
        {
            if (p.Length != size) throw new InvalidOperationException($"A sample image has {p.Length} values; the transform {transform.Height}x{transform.Width} needs {size}.");
            p.CopyTo(all, i++ * size);
        }
        using var bytes = tensor(all, new long[] { n, 3, transform.Height, transform.Width });
        using var floats = bytes.to(ScalarType.Float32);
        return OnDevice(floats.div(255f), device);
    }

    private static Tensor Vectors(IEnumerable<float[]> rows, int n, int width, Device device)
    {
        var all = new float[n * width];
        var i = 0;
        foreach (var r in rows) r.CopyTo(all, i++ * width);
        return OnDevice(tensor(all, new long[] { n, width }), device);
    }

    // Takes ownership of a CPU tensor: returns it as is for the CPU, else a moved copy (disposing the CPU one).
    private static Tensor OnDevice(Tensor cpu, Device device)
    {
        if (device.type == TorchSharp.DeviceType.CPU) return cpu;
        var moved = cpu.to(device);
        cpu.Dispose();
        return moved;
    }
}
