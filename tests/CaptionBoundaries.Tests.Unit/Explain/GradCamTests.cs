using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Explain;
using static TorchSharp.torch;

namespace CaptionBoundaries.Tests.Explain;

/// <summary>Grad-CAM on a model whose sensitivity is fixed by hand, so where the heat must be is known.</summary>
public sealed class GradCamTests
{
    private const int Height = 48;
    private const int Width = 64;
    private static readonly (int, int) TopBand = (4, 12);
    private static readonly (int, int) BottomBand = (36, 44);

    private static InputHeatmap OcrMap(SampleHeatmaps sample, string method = GradCam.GradCamMethod) =>
        Assert.Single(sample.Heatmaps, h => h.Input == TaskSpec.OcrViz && h.Method == method);

    [Fact]
    public void Heatmap_has_the_input_size_and_lies_in_0_to_1()
    {
        using var model = new BrightRegionModel();
        using var bands = BandInputs.Make(Height, Width, BottomBand);
        var map = OcrMap(Assert.Single(GradCam.Explain(model, bands.Inputs)));

        Assert.Equal((Height, Width), (map.Height, map.Width));
        Assert.Equal(Height * Width, map.Values.Length);
        Assert.All(map.Values, v => Assert.InRange(v, 0f, 1f));
        Assert.Equal(1f, map.Values.Max());
        Assert.True(map.Peak > 0);
        Assert.Empty(map.SharedWith);
        Assert.Equal("features", map.Source);
    }

    [Fact]
    public void Heat_follows_the_caption_band_from_the_bottom_to_the_top()
    {
        using var model = new BrightRegionModel();
        using var bands = BandInputs.Make(Height, Width, TopBand, BottomBand);
        var explained = GradCam.Explain(model, bands.Inputs);
        var top = OcrMap(explained[0]).Values;
        var bottom = OcrMap(explained[1]).Values;

        // The map is 4x coarser than the image, so bilinear upsampling may spread heat by up to 4 rows.
        Assert.True(BandInputs.MassInRows(top, Width, 0, 16) > 0.97, $"top band: {BandInputs.MassInRows(top, Width, 0, 16):P1} of the heat in rows 0-15");
        Assert.True(BandInputs.MassInRows(bottom, Width, 32, 48) > 0.97, $"bottom band: {BandInputs.MassInRows(bottom, Width, 32, 48):P1} of the heat in rows 32-47");
        Assert.InRange(BandInputs.CentroidRow(top, Width), 6.0, 10.0);
        Assert.InRange(BandInputs.CentroidRow(bottom, Width), 38.0, 42.0);
        // Uniform across the band's width: a transposed map would vary along x instead.
        var row = Enumerable.Range(0, Width).Select(x => top[8 * Width + x]).ToArray();
        Assert.All(row, v => Assert.Equal(1f, v, 3));
    }

    [Fact]
    public void Samples_of_a_batch_are_explained_independently()
    {
        using var model = new BrightRegionModel();
        using var both = BandInputs.Make(Height, Width, TopBand, BottomBand);
        using var alone = BandInputs.Make(Height, Width, BottomBand);
        var batched = OcrMap(GradCam.Explain(model, both.Inputs)[1]).Values;
        var single = OcrMap(GradCam.Explain(model, alone.Inputs)[0]).Values;
        Assert.Equal(single, batched);
    }

    [Fact]
    public void A_class_the_region_argues_against_gets_no_heat()
    {
        using var model = new BrightRegionModel();
        using var bands = BandInputs.Make(Height, Width, BottomBand);
        var sample = Assert.Single(GradCam.Explain(model, bands.Inputs, [1]));
        Assert.Equal(1, sample.TargetClass);
        var map = OcrMap(sample);
        Assert.Equal(0, map.Peak);
        Assert.All(map.Values, v => Assert.Equal(0f, v));

        // Without a target the predicted class (0: the band is bright) is explained.
        Assert.Equal(0, Assert.Single(GradCam.Explain(model, bands.Inputs)).TargetClass);
    }

    [Fact]
    public void Explaining_leaves_the_model_untouched()
    {
        using var model = new BrightRegionModel();
        model.train();
        using var bands = BandInputs.Make(Height, Width, BottomBand);
        GradCam.Explain(model, bands.Inputs);
        Assert.True(model.training);
        Assert.All(model.parameters(), p => Assert.True(p.grad is null || p.grad.IsInvalid));
    }

    [Fact]
    public void A_stage_run_through_forward_instead_of_call_is_reported()
    {
        using var model = new BrightRegionModel(hookable: false);
        using var bands = BandInputs.Make(Height, Width, BottomBand);
        var error = Assert.Throws<InvalidOperationException>(() => GradCam.Explain(model, bands.Inputs));
        Assert.Contains("call()", error.Message);
    }

    [Fact]
    public void Exposed_attention_is_shown_beside_grad_cam()
    {
        using var model = new AttentiveBrightRegionModel();
        using var bands = BandInputs.Make(Height, Width, TopBand);
        var sample = Assert.Single(GradCam.Explain(model, bands.Inputs));
        var attention = OcrMap(sample, GradCam.AttentionMethod);

        Assert.Equal((Height, Width), (attention.Height, attention.Width));
        Assert.All(attention.Values, v => Assert.InRange(v, 0f, 1f));
        Assert.True(BandInputs.MassInRows(attention.Values, Width, 0, 16) > 0.9);
        Assert.Equal([GradCam.GradCamMethod, GradCam.AttentionMethod], sample.Heatmaps.Select(h => h.Method));
    }

    [Fact]
    public void Overlay_blends_a_jet_colour_map_over_the_image()
    {
        Assert.Equal(((byte)0, (byte)0, (byte)128), HeatmapOverlay.Jet(0f));
        Assert.Equal(((byte)128, (byte)0, (byte)0), HeatmapOverlay.Jet(1f));
        Assert.Equal(((byte)128, (byte)255, (byte)128), HeatmapOverlay.Jet(0.5f));

        var image = new RgbImage(2, 1, [200, 200, 200, 0, 0, 0]);
        var heat = new InputHeatmap(TaskSpec.Frame1, GradCam.GradCamMethod, "x", [], 1, 2, [0f, 1f], 1);
        var blended = HeatmapOverlay.Blend(image, heat);
        Assert.Equal(new byte[] { 100, 100, 164, 64, 0, 0 }, blended.Pixels);
        var decoded = RgbImage.Decode(blended.EncodePng());
        Assert.Equal((2, 1), (decoded.Width, decoded.Height));
    }
}
