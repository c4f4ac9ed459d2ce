using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Tests.Support;

namespace CaptionBoundaries.Tests.Datasets;

public class DatasetManifestValidationTests(SyntheticDatasetFixture fixture) : IClassFixture<SyntheticDatasetFixture>
{
    [Fact]
    public void UnknownLabelNamesSampleFieldAndTheFiveClasses()
    {
        var e = LoadWithChange(s => s with { Label = "maybe" });
        Assert.Equal("label", e.Field);
        Assert.Contains("maybe", e.Message);
        foreach (var c in TaskSpec.Classes) Assert.Contains(c, e.Message);
    }

    [Fact]
    public void WrongSpatialFeatureCountIsRefused()
    {
        var e = LoadWithChange(s => s with { SpatialFeatures = new float[19] });
        Assert.Equal("spatial_features", e.Field);
        Assert.Contains("19", e.Message);
    }

    [Fact]
    public void UnknownSplitIsRefused()
    {
        var e = LoadWithChange(s => s with { Split = "holdout" });
        Assert.Equal("split", e.Field);
        Assert.Contains("train", e.Message);
        Assert.Contains("val", e.Message);
        Assert.Contains("test", e.Message);
    }

    [Fact]
    public void MissingImageFileIsRefused()
    {
        var e = LoadWithChange(s => s with { OcrViz = "images/nope.png" });
        Assert.Equal("ocr_viz", e.Field);
        Assert.Contains("nope.png", e.Message);
    }

    [Fact]
    public void ImagesOfDifferentSizesInOneSampleAreRefused()
    {
        var e = LoadWithChange(s => s with { Frame2 = "images/small.png" },
            folder => new RgbImage(40, 40).SavePng(Path.Combine(folder, "images", "small.png")));
        Assert.Equal("frame2", e.Field);
        Assert.Contains("40x40", e.Message);
    }

    [Fact]
    public void PathOutsideTheDatasetFolderIsRefused()
    {
        var e = LoadWithChange(s => s with { Frame1 = "../elsewhere.png" });
        Assert.Equal("frame1", e.Field);
    }

    [Fact]
    public void WrongFormatIsRefused()
    {
        using var temp = new TempFolder();
        var copy = fixture.CopyTo(temp);
        (fixture.Manifest with { Format = "something/v0" }).Save(copy);
        var e = Assert.Throws<DatasetFormatException>(() => DatasetManifest.Load(copy));
        Assert.Equal("format", e.Field);
    }

    private DatasetFormatException LoadWithChange(Func<DatasetManifestSample, DatasetManifestSample> change, Action<string>? prepare = null)
    {
        using var temp = new TempFolder();
        var copy = fixture.CopyTo(temp);
        prepare?.Invoke(copy);
        var samples = fixture.Manifest.Samples.ToList();
        samples[2] = change(samples[2]);
        (fixture.Manifest with { Samples = samples }).Save(copy);

        var e = Assert.Throws<DatasetFormatException>(() => DatasetManifest.Load(copy));
        Assert.Equal(samples[2].Id, e.SampleId);
        Assert.Contains($"'{samples[2].Id}'", e.Message);
        Assert.Contains($"'{e.Field}'", e.Message);

        // The loader runs the same checks.
        Assert.Throws<DatasetFormatException>(() =>
            CaptionDataset.Load(copy, new global::CaptionBoundaries.Plugins.Embedders.GlyphProfileFontEmbedder(), ImageTransform.Default));
        return e;
    }
}
