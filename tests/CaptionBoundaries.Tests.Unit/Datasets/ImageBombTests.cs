using System.Buffers.Binary;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Datasets;

namespace CaptionBoundaries.Tests.Datasets;

/// <summary>Finding 10 (image decoding had no dimension cap): a few bytes of PNG may claim billions of pixels.</summary>
public class ImageBombTests
{
    [Fact]
    public void A_png_whose_header_claims_more_pixels_than_the_cap_is_refused_before_decoding()
    {
        var png = new RgbImage(2, 2).EncodePng();
        // IHDR's data starts at byte 16: width and height, big-endian. Claim 8000 x 8000 (192 MB decoded: below stb's own 1 GB refusal, above our cap), with
        // the chunk's CRC made right so only the size is wrong.
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), 8000);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), 8000);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), Crc32(png.AsSpan(12, 17)));

        var e = Assert.Throws<InputTooLargeException>(() => RgbImage.Decode(png));
        Assert.Contains("8000 x 8000", e.Message);
    }

    [Fact]
    public void An_image_at_the_cap_still_decodes_and_bytes_that_are_no_image_are_refused()
    {
        var side = (int)Math.Sqrt(InputLimits.MaxImagePixels);
        var decoded = RgbImage.Decode(new RgbImage(side, 1).EncodePng());
        Assert.Equal((side, 1), (decoded.Width, decoded.Height));
        Assert.Throws<InvalidDataException>(() => RgbImage.Decode([1, 2, 3, 4, 5, 6, 7, 8]));
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
