using CaptionBoundaries.Contracts;

namespace CaptionBoundaries.Domain.Datasets;

/// <summary>
/// Writes a balanced, labelled dataset of synthetic caption frame pairs in the documented format
/// (images/*.png + manifest.json), so the whole pipeline can be trained and tested without real video.
/// Every sample draws from its own generator seeded from (seed, class, index), so output is byte-identical
/// for a seed and does not depend on the order or number of other samples.
/// </summary>
public static class SyntheticDatasetGenerator
{
    public const string ImagesFolder = "images";
    public const string GeneratorName = "SyntheticDatasetGenerator/1";

    /// <summary>Generates the dataset, reporting the running count of samples written; returns the manifest it saved.</summary>
    public static DatasetManifest Generate(SyntheticDatasetOptions options, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var imagesPath = Path.Combine(options.OutputFolder, ImagesFolder);
        Directory.CreateDirectory(imagesPath);

        var validationCount = ValidationCountPerClass(options.SamplesPerClass, options.ValidationFraction);
        var testCount = TestCountPerClass(options.SamplesPerClass, validationCount, options.TestFraction);
        var samples = new List<DatasetManifestSample>(options.SamplesPerClass * TaskSpec.ClassCount);
        for (var index = 0; index < options.SamplesPerClass; index++)
        {
            for (var classIndex = 0; classIndex < TaskSpec.ClassCount; classIndex++)
            {
                var label = TaskSpec.Classes[classIndex];
                var id = $"{label}_{index:D4}";
                var rng = new Random(SampleSeed(options.Seed, classIndex, index));
                var rendered = SyntheticSample.Render(rng, label, options.Width, options.Height);

                var frame1 = $"{ImagesFolder}/{id}_frame1.png";
                var frame2 = $"{ImagesFolder}/{id}_frame2.png";
                var ocrViz = $"{ImagesFolder}/{id}_ocr_viz.png";
                rendered.Frame1.SavePng(Path.Combine(options.OutputFolder, frame1));
                rendered.Frame2.SavePng(Path.Combine(options.OutputFolder, frame2));
                rendered.OcrViz.SavePng(Path.Combine(options.OutputFolder, ocrViz));

                // The last indices of each class go to validation, the ones before them to test: stratified, independent of
                // the seed, and the validation samples are the same with or without a test split.
                var split = index >= options.SamplesPerClass - validationCount ? DatasetSplit.Validation
                    : index >= options.SamplesPerClass - validationCount - testCount ? DatasetSplit.Test
                    : DatasetSplit.Train;
                samples.Add(new DatasetManifestSample(id, split, label, frame1, frame2, ocrViz, rendered.SpatialFeatures, rendered.CaptionBox));
                progress?.Report(samples.Count);
            }
        }

        var manifest = new DatasetManifest(
            DatasetManifest.FormatId,
            options.Name ?? $"synthetic-seed{options.Seed}",
            $"{GeneratorName} seed={options.Seed} samples_per_class={options.SamplesPerClass} size={options.Width}x{options.Height} validation_fraction={options.ValidationFraction.ToString(System.Globalization.CultureInfo.InvariantCulture)}" +
            (testCount > 0 ? $" test_fraction={options.TestFraction.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : ""),
            options.Width,
            options.Height,
            samples);
        manifest.Save(options.OutputFolder);
        return manifest;
    }

    /// <summary>Validation samples per class: the rounded fraction, but at least one of each class in each split when there are two or more.</summary>
    public static int ValidationCountPerClass(int samplesPerClass, double validationFraction)
    {
        if (validationFraction <= 0 || samplesPerClass < 2) return 0;
        return Math.Clamp((int)Math.Round(samplesPerClass * validationFraction, MidpointRounding.AwayFromZero), 1, samplesPerClass - 1);
    }

    /// <summary>
    /// Test samples per class: the rounded fraction, at least one when asked for any, always leaving one train sample.
    /// </summary>
    public static int TestCountPerClass(int samplesPerClass, int validationCount, double testFraction)
    {
        var available = samplesPerClass - validationCount - 1;
        if (testFraction <= 0 || available < 1) return 0;
        return Math.Clamp((int)Math.Round(samplesPerClass * testFraction, MidpointRounding.AwayFromZero), 1, available);
    }

    // SplitMix64 finaliser: nearby (seed, class, index) triples give unrelated generator seeds.
    private static int SampleSeed(int seed, int classIndex, int index)
    {
        var z = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)classIndex * 0xBF58476D1CE4E5B9UL + (ulong)index * 0x94D049BB133111EBUL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFF);
    }
}
