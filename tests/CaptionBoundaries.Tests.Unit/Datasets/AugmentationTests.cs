using CaptionBoundaries.Contracts;
using CaptionBoundaries.Plugins.Augmentations;
using static TorchSharp.torch;

namespace CaptionBoundaries.Tests.Datasets;

public class AugmentationTests
{
    [Fact]
    public void PhotometricJitterIsReproducibleForAGeneratorSeed()
    {
        var batch = Batch(identicalPairs: false);
        var jitter = new PhotometricJitter();
        using var g1 = new Generator(42);
        using var g2 = new Generator(42);
        using var g3 = new Generator(43);
        var a = jitter.Apply(batch, g1);
        var b = jitter.Apply(batch, g2);
        var c = jitter.Apply(batch, g3);

        Assert.True(a.Frame1.equal(b.Frame1).all().item<bool>());
        Assert.True(a.Frame2.equal(b.Frame2).all().item<bool>());
        Assert.False(a.Frame1.equal(c.Frame1).all().item<bool>());
        Dispose(batch, a, b, c);
    }

    [Fact]
    public void PhotometricJitterChangesFramesOnlyAndKeepsPairsAndRange()
    {
        var batch = Batch(identicalPairs: true);
        using var g = new Generator(1);
        var result = new PhotometricJitter().Apply(batch, g);

        Assert.False(result.Frame1.equal(batch.Frame1).all().item<bool>());
        Assert.True(result.Frame1.equal(result.Frame2).all().item<bool>());
        Assert.True(result.OcrViz.equal(batch.OcrViz).all().item<bool>());
        Assert.True(result.SpatialFeatures.equal(batch.SpatialFeatures).all().item<bool>());
        Assert.True(result.FontEmbedding.equal(batch.FontEmbedding).all().item<bool>());
        Assert.True(result.Frame1.min().item<float>() >= 0f && result.Frame1.max().item<float>() <= 1f);
        result.Validate();
        Assert.False(ReferenceEquals(result.OcrViz, batch.OcrViz));
        Dispose(batch, result);
    }

    [Fact]
    public void NoAugmentationReturnsEqualClones()
    {
        var batch = Batch(identicalPairs: false);
        using var g = new Generator(1);
        var result = new NoAugmentation().Apply(batch, g);
        Assert.Equal("none", new NoAugmentation().Name);
        Assert.Equal("photometric_jitter", new PhotometricJitter().Name);
        foreach (var (x, y) in batch.Tensors.Zip(result.Tensors))
        {
            Assert.False(ReferenceEquals(x, y));
            Assert.True(x.equal(y).all().item<bool>());
        }
        Dispose(batch, result);
    }

    private static CaptionInputs Batch(bool identicalPairs)
    {
        using var g = new Generator(9);
        var frame1 = rand(new long[] { 4, 3, 32, 32 }, generator: g);
        var frame2 = identicalPairs ? frame1.clone() : rand(new long[] { 4, 3, 32, 32 }, generator: g);
        return new CaptionInputs(frame1, frame2, rand(new long[] { 4, 3, 32, 32 }, generator: g),
            rand(new long[] { 4, TaskSpec.SpatialFeatureCount }, generator: g), rand(new long[] { 4, TaskSpec.FontEmbeddingDimension }, generator: g));
    }

    private static void Dispose(params CaptionInputs[] all)
    {
        foreach (var inputs in all)
            foreach (var t in inputs.Tensors) t.Dispose();
    }
}
