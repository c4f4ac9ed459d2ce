using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Tests.Support;

namespace CaptionBoundaries.Tests.Datasets;

public class DatasetIdentityTests(SyntheticDatasetFixture fixture) : IClassFixture<SyntheticDatasetFixture>
{
    [Fact]
    public void ChangingOnePixelOfOneImageChangesTheIdentity()
    {
        using var temp = new TempFolder();
        var copy = fixture.CopyTo(temp);
        var before = DatasetIdentity.Compute(copy);
        Assert.Equal(DatasetIdentity.Compute(fixture.Folder), before);

        var path = Path.Combine(copy, fixture.Manifest.Samples[3].Frame2);
        var image = RgbImage.Load(path);
        image.Pixels[0] ^= 0x01;
        image.SavePng(path);

        Assert.NotEqual(before, DatasetIdentity.Compute(copy));
    }

    [Fact]
    public void ChangingOneLabelChangesTheIdentity()
    {
        using var temp = new TempFolder();
        var copy = fixture.CopyTo(temp);
        var manifest = DatasetManifest.Load(copy);
        var samples = manifest.Samples.ToList();
        samples[0] = samples[0] with { Label = samples[0].Label == "same" ? "different" : "same" };
        (manifest with { Samples = samples }).Save(copy);

        Assert.NotEqual(DatasetIdentity.Compute(fixture.Folder), DatasetIdentity.Compute(copy));
    }

    [Fact]
    public void LoadedDatasetReportsTheSameIdentity()
    {
        var dataset = CaptionDataset.Load(fixture.Folder, new global::CaptionBoundaries.Plugins.Embedders.GlyphProfileFontEmbedder(), new ImageTransform(64, 64));
        Assert.Equal(DatasetIdentity.Compute(fixture.Folder), dataset.Identity);
    }
}
