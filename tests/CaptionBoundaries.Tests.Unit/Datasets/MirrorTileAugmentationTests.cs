using CaptionBoundaries.Contracts;
using CaptionBoundaries.Plugins.Augmentations;
using static CaptionBoundaries.Tests.Datasets.AugmentationBatches;
using static TorchSharp.torch;

namespace CaptionBoundaries.Tests.Datasets;

public class MirrorTileAugmentationTests
{
    [Fact]
    public void SameSeedGivesIdenticalOutputAndAnotherSeedDoesNot()
    {
        var batch = RandomBatch(n: 16);
        var mirror = new MirrorTile();
        using var g1 = new Generator(5);
        using var g2 = new Generator(5);
        using var g3 = new Generator(6);
        var a = mirror.Apply(batch, g1);
        var b = mirror.Apply(batch, g2);
        var c = mirror.Apply(batch, g3);

        foreach (var (x, y) in a.Tensors.Zip(b.Tensors)) Assert.True(Same(x, y));
        Assert.False(Same(a.Frame1, c.Frame1));
        Dispose(batch, a, b, c);
    }

    [Fact]
    public void MirrorsTheMiddleAndTilesTheEdgesByReflection()
    {
        // Each column holds its own index, so the output says which input column every pixel came from.
        const int n = 16, width = 64;
        var ramp = arange(width, dtype: ScalarType.Float32).div(width).view(1, 1, 1, width).expand(n, 3, 32, width).contiguous();
        var batch = new CaptionInputs(ramp, ramp.clone(), ramp.clone(), zeros(n, TaskSpec.SpatialFeatureCount), zeros(n, TaskSpec.FontEmbeddingDimension));
        using var g = new Generator(2);
        var result = new MirrorTile(0.5f).Apply(batch, g);

        var maxMargin = (int)(width * MirrorTile.MaxEdgeFraction);
        var source = (result.Frame1[.., 0, 0, ..] * width).round().to(ScalarType.Int64).data<long>().ToArray();
        int mirrored = 0, withMargin = 0;
        for (var i = 0; i < n; i++)
        {
            var cols = source.AsSpan(i * width, width).ToArray();
            if (cols.SequenceEqual(Enumerable.Range(0, width).Select(j => (long)j))) continue;
            mirrored++;
            var margin = Enumerable.Range(0, maxMargin + 1).Where(m => cols.SequenceEqual(Expected(m, width))).ToList();
            Assert.True(margin.Count == 1, $"sample {i}: columns {string.Join(",", cols)} are no mirror-tile of a margin up to {maxMargin}");
            if (margin[0] > 0) withMargin++;
        }
        Assert.InRange(mirrored, 1, n - 1);
        Assert.True(withMargin > 0);
        Assert.True(Same(result.Frame1, result.Frame2));
        Assert.True(Same(result.Frame1, result.OcrViz));
        Dispose(batch, result);
    }

    [Fact]
    public void MirrorsBoxXCoordinatesOfCaptionedFramesOnly()
    {
        var batch = RandomBatch(n: 4);
        using var g = new Generator(1);
        var result = new MirrorTile(1f).Apply(batch, g);

        var before = batch.SpatialFeatures.data<float>().ToArray();
        var after = result.SpatialFeatures.data<float>().ToArray();
        for (var i = 0; i < 4; i++)
        {
            foreach (var o in new[] { 0, PerFrame })
            {
                var b = before.AsSpan(i * TaskSpec.SpatialFeatureCount + o, PerFrame).ToArray();
                var a = after.AsSpan(i * TaskSpec.SpatialFeatureCount + o, PerFrame).ToArray();
                if (b[0] < 0.5f)
                {
                    Assert.Equal(b, a);
                    continue;
                }
                Assert.Equal(1f - b[3], a[1], 6);
                Assert.Equal(1f - b[1], a[3], 6);
                Assert.Equal(1f - b[7], a[7], 6);
                foreach (var k in new[] { 0, 2, 4, 5, 6, 8, 9 }) Assert.Equal(b[k], a[k]);
            }
        }
        Assert.False(Same(result.Frame1, batch.Frame1));
        result.Validate();
        Assert.True(result.Frame1.min().item<float>() >= 0f && result.Frame1.max().item<float>() <= 1f);
        Dispose(batch, result);
    }

    [Fact]
    public void ProbabilityZeroChangesNothingAndPairsStayPairs()
    {
        var batch = RandomBatch(identicalPairs: true);
        using var g = new Generator(4);
        var unchanged = new MirrorTile(0f).Apply(batch, g);
        var mirrored = new MirrorTile(1f).Apply(batch, g);

        foreach (var (x, y) in batch.Tensors.Zip(unchanged.Tensors)) Assert.True(Same(x, y));
        Assert.True(Same(mirrored.Frame1, mirrored.Frame2));
        Assert.Equal("mirror_tile", new MirrorTile().Name);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MirrorTile(1.5f));
        Dispose(batch, unchanged, mirrored);
    }

    private static long[] Expected(int m, int width) => Enumerable.Range(0, width).Select(j =>
    {
        var tiled = j < m ? 2 * m - 1 - j : j >= width - m ? 2 * (width - m) - 1 - j : j;
        return (long)(width - 1 - tiled);
    }).ToArray();
}
