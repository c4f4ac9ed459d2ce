using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Tests.Support;

namespace CaptionBoundaries.Tests.Grains.Models;

/// <summary>
/// Distinct samples for traffic-split tests: the synthetic generator's (every class, PNG bytes as a client sends them),
/// read into memory once.
/// </summary>
public static class SplitSamples
{
    private static readonly Lazy<IReadOnlyList<PredictionInput>> Loaded = new(Load);

    public static IReadOnlyList<PredictionInput> All => Loaded.Value;

    private static IReadOnlyList<PredictionInput> Load()
    {
        using var folder = new TempFolder("cb-split-samples");
        SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions
        {
            OutputFolder = folder.Path,
            SamplesPerClass = 6,
            Seed = 16,
            Width = 64,
            Height = 48,
            ValidationFraction = 0.2,
        });
        return DatasetManifest.Load(folder.Path).Samples.Select(s =>
        {
            InputImage Bytes(string file) => InputImage.FromEncoded(File.ReadAllBytes(Path.Combine(folder.Path, file)));
            return new PredictionInput(Bytes(s.Frame1), Bytes(s.Frame2), Bytes(s.OcrViz), s.SpatialFeatures, s.CaptionBox);
        }).ToList();
    }
}
