using CaptionBoundaries.Contracts;
using CaptionBoundaries.Plugins.Augmentations;
using static CaptionBoundaries.Tests.Datasets.AugmentationBatches;
using static TorchSharp.torch;

namespace CaptionBoundaries.Tests.Datasets;

public class CaptionSafeGeometricAugmentationTests
{
    private readonly CaptionSafeGeometric _augmentation = new();

    [Fact]
    public void SameSeedGivesIdenticalOutputAndAnotherSeedDoesNot()
    {
        var batch = RandomBatch();
        using var g1 = new Generator(5);
        using var g2 = new Generator(5);
        using var g3 = new Generator(6);
        var a = _augmentation.Apply(batch, g1);
        var b = _augmentation.Apply(batch, g2);
        var c = _augmentation.Apply(batch, g3);

        foreach (var (x, y) in a.Tensors.Zip(b.Tensors)) Assert.True(Same(x, y));
        Assert.False(Same(a.Frame1, c.Frame1));
        Assert.False(Same(a.SpatialFeatures, c.SpatialFeatures));
        Dispose(batch, a, b, c);
    }

    [Fact]
    public void ChangesImagesKeepsShapesRangeAndPairs()
    {
        var batch = RandomBatch(identicalPairs: true);
        using var g = new Generator(1);
        var result = _augmentation.Apply(batch, g);

        result.Validate();
        Assert.Equal("caption_safe_geometric", _augmentation.Name);
        Assert.False(Same(result.Frame1, batch.Frame1));
        Assert.False(Same(result.OcrViz, batch.OcrViz));
        Assert.True(Same(result.Frame1, result.Frame2));
        Assert.True(Same(result.FontEmbedding, batch.FontEmbedding));
        foreach (var t in new[] { result.Frame1, result.OcrViz })
            Assert.True(t.min().item<float>() >= 0f && t.max().item<float>() <= 1f);
        Dispose(batch, result);
    }

    [Fact]
    public void FramesOfADifferentPairGetTheSameTransform()
    {
        // frame2 is frame1 with a constant offset: an identical transform keeps that offset wherever the clamp does not bite.
        var batch = RandomBatch(identicalPairs: true);
        var shifted = new CaptionInputs(batch.Frame1 * 0.5f, batch.Frame1 * 0.5f + 0.25f, batch.OcrViz, batch.SpatialFeatures, batch.FontEmbedding);
        using var g = new Generator(3);
        var result = _augmentation.Apply(shifted, g);

        Assert.True((result.Frame2 - result.Frame1 - 0.25f).abs().max().item<float>() < 1e-5f);
        Dispose(batch, result);
        shifted.Frame1.Dispose();
        shifted.Frame2.Dispose();
    }

    [Fact]
    public void BottomCaptionBandIsNeverCut()
    {
        // White bottom 30%, black above: every output row in the bottom 30% must still read white for any draw.
        const int size = 40;
        var image = zeros(8, 3, size, size);
        image[.., .., 28.., ..] = 1f;
        var batch = new CaptionInputs(image, image.clone(), image.clone(), zeros(8, TaskSpec.SpatialFeatureCount), zeros(8, TaskSpec.FontEmbeddingDimension));
        for (ulong seed = 0; seed < 5; seed++)
        {
            using var g = new Generator(seed);
            var result = _augmentation.Apply(batch, g);
            // Bilinear weights sum to 1 up to rounding, so white may come back as 0.99999994.
            Assert.InRange(result.Frame1[.., .., 28.., ..].min().item<float>(), 1f - 1e-5f, 1f);
            Assert.True(Same(result.SpatialFeatures, batch.SpatialFeatures));
            Dispose(result);
        }
        Dispose(batch);
    }

    [Fact]
    public void BoxCoordinatesFollowThePixels()
    {
        // A white caption rectangle on black: after the transform, the moved box's centre must sit on the white mass centre.
        const int n = 6, size = 64;
        var features = new float[n * TaskSpec.SpatialFeatureCount];
        var image = zeros(n, 3, size, size);
        for (var i = 0; i < n; i++)
        {
            Box(features, i, 0, 0.35f, 0.75f, 0.65f, 0.9f, chars: 10);
            image[i, .., (int)(0.75f * size)..(int)(0.9f * size), (int)(0.35f * size)..(int)(0.65f * size)] = 1f;
        }
        var batch = new CaptionInputs(image, image.clone(), image.clone(), tensor(features, new long[] { n, TaskSpec.SpatialFeatureCount }), zeros(n, TaskSpec.FontEmbeddingDimension));
        using var g = new Generator(11);
        var result = _augmentation.Apply(batch, g);

        var moved = result.SpatialFeatures.data<float>().ToArray();
        var mass = result.Frame1[.., 0];
        var xs = (arange(size, dtype: ScalarType.Float32) + 0.5f) / size;
        var total = mass.sum(new long[] { 1, 2 });
        var centreX = ((mass * xs.view(1, 1, size)).sum(new long[] { 1, 2 }) / total).data<float>().ToArray();
        var centreY = ((mass * xs.view(1, size, 1)).sum(new long[] { 1, 2 }) / total).data<float>().ToArray();
        var anyMoved = false;
        for (var i = 0; i < n; i++)
        {
            var f = moved.AsSpan(i * TaskSpec.SpatialFeatureCount, AugmentationBatches.PerFrame).ToArray();
            Assert.Equal(1f, f[0]);
            Assert.InRange(f[7] - centreX[i], -1.5f / size, 1.5f / size);
            Assert.InRange(f[8] - centreY[i], -1.5f / size, 1.5f / size);
            Assert.Equal(f[3] - f[1], f[5], 5);
            Assert.Equal(f[4] - f[2], f[6], 5);
            Assert.Equal(10f, f[9]);
            anyMoved |= Math.Abs(f[7] - 0.5f) > 0.01f;
            // frame2 of these samples has no caption: its zeros must not become a box.
            Assert.All(moved.AsSpan(i * TaskSpec.SpatialFeatureCount + AugmentationBatches.PerFrame, AugmentationBatches.PerFrame).ToArray(), v => Assert.Equal(0f, v));
        }
        Assert.True(anyMoved);
        Dispose(batch, result);
    }
}
