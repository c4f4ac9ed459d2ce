using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Plugins.Embedders;
using static TorchSharp.torch;

namespace CaptionBoundaries.Tests.Datasets;

public class GlyphProfileFontEmbedderTests
{
    private readonly GlyphProfileFontEmbedder _embedder = new();

    [Fact]
    public void DescribesItself()
    {
        Assert.Equal("glyph_profile", _embedder.Name);
        Assert.Equal("1.0.0", _embedder.Version);
        Assert.Equal(64, _embedder.OutputDimension);
    }

    [Fact]
    public void SameRegionGivesTheSame64Values()
    {
        using var region = RenderedText("HELLO", 2);
        var a = _embedder.Embed(region);
        var b = _embedder.Embed(region.clone());
        Assert.Equal(64, a.Length);
        Assert.Equal(a, b);
        Assert.All(a, v => Assert.True(float.IsFinite(v)));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 7)]
    [InlineData(9, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    [InlineData(200, 17)]
    public void AnyRegionSizeGivesAFiniteVector(int height, int width)
    {
        using var g = new Generator(5);
        using var region = rand(new long[] { 3, height, width }, generator: g);
        var v = _embedder.Embed(region);
        Assert.Equal(64, v.Length);
        Assert.All(v, x => Assert.True(float.IsFinite(x)));
    }

    [Fact]
    public void DifferentGlyphScalesGiveDifferentEmbeddings()
    {
        using var small = RenderedText("ABC", 1);
        using var large = RenderedText("ABC", 3);
        Assert.NotEqual(_embedder.Embed(small), _embedder.Embed(large));
    }

    private static Tensor RenderedText(string text, int scale)
    {
        var mask = GlyphFont.Render(text, scale);
        int h = mask.GetLength(0) + 4, w = mask.GetLength(1) + 4;
        var pixels = new float[3 * h * w];
        for (var y = 0; y < mask.GetLength(0); y++)
            for (var x = 0; x < mask.GetLength(1); x++)
                if (mask[y, x])
                    for (var c = 0; c < 3; c++) pixels[c * h * w + (y + 2) * w + x + 2] = 1f;
        return tensor(pixels, new long[] { 3, h, w });
    }
}
