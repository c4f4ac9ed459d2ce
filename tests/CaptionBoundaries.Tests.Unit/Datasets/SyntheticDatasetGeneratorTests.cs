using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Tests.Support;

namespace CaptionBoundaries.Tests.Datasets;

public class SyntheticDatasetGeneratorTests(SyntheticDatasetFixture fixture) : IClassFixture<SyntheticDatasetFixture>
{
    [Fact]
    public void SameSeedGivesSameIdentityAndOtherSeedDoesNot()
    {
        using var temp = new TempFolder();
        SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { OutputFolder = temp.Combine("a"), SamplesPerClass = 4, Seed = 7 });
        SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { OutputFolder = temp.Combine("b"), SamplesPerClass = 2, Seed = 8 });

        Assert.Equal(DatasetIdentity.Compute(fixture.Folder), DatasetIdentity.Compute(temp.Combine("a")));
        Assert.NotEqual(DatasetIdentity.Compute(fixture.Folder), DatasetIdentity.Compute(temp.Combine("b")));
        Assert.Equal(64, DatasetIdentity.Compute(fixture.Folder).Length);
    }

    [Fact]
    public void EveryClassIsBalancedAndPresentInBothSplits()
    {
        // The generator writes no test split unless asked (TestFraction): existing datasets keep their bytes.
        Assert.DoesNotContain(fixture.Manifest.Samples, s => s.Split == DatasetSplit.Test);
        foreach (var split in new[] { DatasetSplit.Train, DatasetSplit.Validation })
        {
            var labels = fixture.Manifest.Samples.Where(s => s.Split == split).Select(s => s.Label).ToList();
            foreach (var c in TaskSpec.Classes) Assert.Contains(c, labels);
        }
        foreach (var c in TaskSpec.Classes)
            Assert.Equal(4, fixture.Manifest.Samples.Count(s => s.Label == c));
        Assert.Equal(5, fixture.Manifest.Samples.Count(s => s.Split == DatasetSplit.Validation));
    }

    [Fact]
    public void ProgressCountsEverySampleWritten()
    {
        using var temp = new TempFolder();
        var reported = new List<int>();
        SyntheticDatasetGenerator.Generate(
            new SyntheticDatasetOptions { OutputFolder = temp.Path, SamplesPerClass = 1, Seed = 1, Width = 48, Height = 32 },
            new SynchronousProgress(reported.Add));
        Assert.Equal([1, 2, 3, 4, 5], reported);
    }

    [Fact]
    public void SpatialFeaturesMatchTheClass()
    {
        foreach (var s in fixture.Manifest.Samples)
        {
            var has1 = s.SpatialFeatures[0] == 1f;
            var has2 = s.SpatialFeatures[10] == 1f;
            var expected = s.Label switch
            {
                "same" or "different" => (true, true),
                "empty_empty" => (false, false),
                "empty_valid" => (false, true),
                _ => (true, false),
            };
            Assert.Equal(expected, (has1, has2));
            if (!has1) Assert.All(s.SpatialFeatures[..10], v => Assert.Equal(0f, v));
            Assert.Equal(s.Label != "empty_empty", s.CaptionBox is not null);
        }
    }

    [Fact]
    public void SameCaptionBandIsIdenticalAndDifferentCaptionBandDiffers()
    {
        foreach (var s in fixture.Manifest.Samples.Where(s => s.Label is "same" or "different"))
        {
            var band1 = CaptionBand(fixture.Folder, s.Frame1, s.CaptionBox!);
            var band2 = CaptionBand(fixture.Folder, s.Frame2, s.CaptionBox!);
            if (s.Label == "same") Assert.Equal(band1, band2);
            else Assert.NotEqual(band1, band2);
        }
    }

    [Fact]
    public void BackgroundsChangeSlightlyBetweenFrames()
    {
        var s = fixture.Manifest.Samples.First(s => s.Label == "empty_empty");
        var f1 = RgbImage.Load(Path.Combine(fixture.Folder, s.Frame1)).Pixels;
        var f2 = RgbImage.Load(Path.Combine(fixture.Folder, s.Frame2)).Pixels;
        var meanAbsDiff = f1.Zip(f2, (a, b) => Math.Abs(a - b)).Average();
        Assert.InRange(meanAbsDiff, 0.5, 30);
    }

    [Fact]
    public void OcrVisualisationMarksBothFramesBoxes()
    {
        var s = fixture.Manifest.Samples.First(s => s.Label == "same");
        var ocr = RgbImage.Load(Path.Combine(fixture.Folder, s.OcrViz));
        Assert.Contains(ocr.Pixels.Chunk(3), p => p[0] == 255 && p[1] == 255 && p[2] == 255);
        var empty = fixture.Manifest.Samples.First(s => s.Label == "empty_empty");
        Assert.All(RgbImage.Load(Path.Combine(fixture.Folder, empty.OcrViz)).Pixels, b => Assert.Equal(0, b));
    }

    private static byte[] CaptionBand(string folder, string relativePath, float[] box)
    {
        var image = RgbImage.Load(Path.Combine(folder, relativePath));
        var b = PixelBox.FromNormalised(box[0], box[1], box[2], box[3], image.Width, image.Height);
        var band = new List<byte>();
        for (var y = b.Y0; y < b.Y1; y++)
            band.AddRange(image.Pixels.AsSpan((y * image.Width + b.X0) * 3, b.Width * 3).ToArray());
        return band.ToArray();
    }

    private sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
