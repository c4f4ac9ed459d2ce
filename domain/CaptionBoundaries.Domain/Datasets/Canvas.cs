namespace CaptionBoundaries.Domain.Datasets;

/// <summary>A floating-point RGB drawing surface for the generator; quantised to 8 bits only once, when saved.</summary>
internal sealed class Canvas(int width, int height)
{
    private readonly double[] _rgb = new double[width * height * 3];

    public int Width { get; } = width;
    public int Height { get; } = height;

    public void Set(int x, int y, Rgb c)
    {
        if (x < 0 || y < 0 || x >= Width || y >= Height) return;
        var i = (y * Width + x) * 3;
        _rgb[i] = c.R;
        _rgb[i + 1] = c.G;
        _rgb[i + 2] = c.B;
    }

    public void SetChannel(int x, int y, int channel, double value)
    {
        if (x < 0 || y < 0 || x >= Width || y >= Height) return;
        _rgb[(y * Width + x) * 3 + channel] = value;
    }

    public void Fill(PixelBox box, Rgb c)
    {
        for (var y = box.Y0; y < box.Y1; y++)
            for (var x = box.X0; x < box.X1; x++)
                Set(x, y, c);
    }

    public RgbImage ToImage()
    {
        var bytes = new byte[_rgb.Length];
        for (var i = 0; i < bytes.Length; i++) bytes[i] = (byte)Math.Round(Math.Clamp(_rgb[i], 0, 1) * 255);
        return new RgbImage(Width, Height, bytes);
    }
}

/// <summary>A colour with channels in [0, 1].</summary>
internal readonly record struct Rgb(double R, double G, double B)
{
    public static Rgb Lerp(Rgb a, Rgb b, double t) => new(a.R + (b.R - a.R) * t, a.G + (b.G - a.G) * t, a.B + (b.B - a.B) * t);

    public Rgb Shift(double d) => new(R + d, G + d, B + d);
}

/// <summary>A pixel rectangle, half-open: [X0, X1) x [Y0, Y1).</summary>
public readonly record struct PixelBox(int X0, int Y0, int X1, int Y1)
{
    public int Width => X1 - X0;
    public int Height => Y1 - Y0;
    public bool IsEmpty => Width <= 0 || Height <= 0;

    public bool Contains(int x, int y) => x >= X0 && x < X1 && y >= Y0 && y < Y1;

    public PixelBox ClampTo(int width, int height) =>
        new(Math.Clamp(X0, 0, width), Math.Clamp(Y0, 0, height), Math.Clamp(X1, 0, width), Math.Clamp(Y1, 0, height));

    /// <summary>[x0, y0, x1, y1] divided by the image size.</summary>
    public float[] Normalised(int width, int height) =>
        [(float)X0 / width, (float)Y0 / height, (float)X1 / width, (float)Y1 / height];

    /// <summary>The pixel box covering a normalised box, at least 1x1 and inside the image.</summary>
    public static PixelBox FromNormalised(float x0, float y0, float x1, float y1, int width, int height)
    {
        var px0 = Math.Clamp((int)Math.Floor(x0 * width + 1e-4), 0, width - 1);
        var py0 = Math.Clamp((int)Math.Floor(y0 * height + 1e-4), 0, height - 1);
        var px1 = Math.Clamp((int)Math.Ceiling(x1 * width - 1e-4), px0 + 1, width);
        var py1 = Math.Clamp((int)Math.Ceiling(y1 * height - 1e-4), py0 + 1, height);
        return new PixelBox(px0, py0, px1, py1);
    }
}
