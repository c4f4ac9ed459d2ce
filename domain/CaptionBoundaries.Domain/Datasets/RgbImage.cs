using StbImageSharp;
using StbImageWriteSharp;

namespace CaptionBoundaries.Domain.Datasets;

/// <summary>An 8-bit RGB image in row-major interleaved (H, W, 3) order: the layout PNG codecs use.</summary>
public sealed class RgbImage
{
    public RgbImage(int width, int height, byte[]? pixels = null)
    {
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"Image size {width}x{height} must be at least 1x1.");
        Width = width;
        Height = height;
        Pixels = pixels ?? new byte[width * height * 3];
        if (Pixels.Length != width * height * 3) throw new ArgumentException("Pixel buffer does not match the image size.", nameof(pixels));
    }

    public int Width { get; }
    public int Height { get; }
    public byte[] Pixels { get; }

    public static RgbImage Decode(byte[] encoded)
    {
        // StbImageSharp keeps a process-wide flag for vertical flipping; pin it so another caller cannot flip ours.
        StbImage.stbi_set_flip_vertically_on_load(0);
        // The header says how big the decoded image will be; a 60-byte PNG can claim 65535 x 65535 pixels.
        using (var header = new MemoryStream(encoded, writable: false))
        {
            var info = ImageInfo.FromStream(header)
                ?? throw new InvalidDataException("The image is not a PNG, JPEG, BMP, GIF or TGA file.");
            if (info.Width < 1 || info.Height < 1 || (long)info.Width * info.Height > Common.InputLimits.MaxImagePixels)
                throw new Common.InputTooLargeException(
                    $"The image is {info.Width} x {info.Height} pixels; at most {Common.InputLimits.MaxImagePixels:N0} pixels are decoded.");
        }
        var result = ImageResult.FromMemory(encoded, StbImageSharp.ColorComponents.RedGreenBlue);
        return new RgbImage(result.Width, result.Height, result.Data);
    }

    /// <summary>
    /// An image from planar RGB values in [0, 1] (<c>3 × height × width</c>, as tensors hold it), rounded to 8 bits the
    /// way a decoded file is, so both forms reach the model through the same preparation.
    /// </summary>
    public static RgbImage FromUnitPlanar(float[] planar, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(planar);
        if (height < 1 || width < 1 || (long)height * width > Common.InputLimits.MaxImagePixels)
            throw new Common.InputTooLargeException(
                $"The image is {width} x {height} pixels; between 1 and {Common.InputLimits.MaxImagePixels:N0} pixels are accepted.");
        var plane = height * width;
        if (planar.Length != 3 * plane)
            throw new InvalidDataException($"A {height} x {width} RGB image has {3 * plane} values; got {planar.Length}.");
        var pixels = new byte[3 * plane];
        for (var c = 0; c < 3; c++)
        {
            for (var i = 0; i < plane; i++)
            {
                var v = planar[c * plane + i];
                if (!float.IsFinite(v) || v < 0f || v > 1f)
                    throw new InvalidDataException($"Pixel values are in [0, 1]; value {i} of channel {c} is {v}.");
                pixels[i * 3 + c] = (byte)MathF.Round(v * 255f);
            }
        }
        return new RgbImage(width, height, pixels);
    }

    public static RgbImage Load(string path) => Decode(Common.BoundedFile.ReadAllBytes(path, Common.InputLimits.MaxImageBytes, "Image"));

    /// <summary>Encodes as PNG; the encoder has no timestamps or randomness, so equal pixels give equal bytes.</summary>
    public byte[] EncodePng()
    {
        using var stream = new MemoryStream();
        new ImageWriter().WritePng(Pixels, Width, Height, StbImageWriteSharp.ColorComponents.RedGreenBlue, stream);
        return stream.ToArray();
    }

    public void SavePng(string path) => File.WriteAllBytes(path, EncodePng());

    /// <summary>From planar (3, H, W) bytes, the layout <see cref="DatasetSample"/> keeps its images in.</summary>
    public static RgbImage FromPlanar(byte[] planar, int width, int height)
    {
        var plane = width * height;
        if (planar.Length != 3 * plane)
            throw new ArgumentException($"A planar {width}x{height} RGB image needs {3 * plane} bytes, got {planar.Length}.", nameof(planar));
        var pixels = new byte[3 * plane];
        for (var i = 0; i < plane; i++)
            for (var c = 0; c < 3; c++)
                pixels[i * 3 + c] = planar[c * plane + i];
        return new RgbImage(width, height, pixels);
    }

    /// <summary>Planar (3, H, W) floats in [0, 1], the tensor layout.</summary>
    public float[] ToPlanarFloats()
    {
        var plane = Width * Height;
        var result = new float[3 * plane];
        for (var i = 0; i < plane; i++)
            for (var c = 0; c < 3; c++)
                result[c * plane + i] = Pixels[i * 3 + c] / 255f;
        return result;
    }
}
