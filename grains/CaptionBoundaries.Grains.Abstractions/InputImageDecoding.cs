using CaptionBoundaries.Domain.Datasets;


namespace CaptionBoundaries.Grains.Abstractions;

/// <summary>One way from a request's image (encoded bytes or planar values) to pixels, for serving and for explaining.</summary>
public static class InputImageDecoding
{
    public static RgbImage ToRgbImage(this InputImage image) => image switch
    {
        { Encoded: { Length: > 0 } bytes } => RgbImage.Decode(bytes),
        { Pixels: { } planar } => RgbImage.FromUnitPlanar(planar, image.Height, image.Width),
        _ => throw new InvalidDataException("no image was sent (encoded bytes or pixel values are required)."),
    };
}
