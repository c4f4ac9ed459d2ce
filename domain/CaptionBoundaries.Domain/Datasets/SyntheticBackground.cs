namespace CaptionBoundaries.Domain.Datasets;

/// <summary>
/// A random scene (colour gradient, soft blobs, sensor noise) and a slightly moved copy of it, so the two
/// frames of a pair differ a little everywhere, like consecutive video frames; the model must therefore
/// look at the caption band, not at "any pixel changed", to tell captions apart.
/// </summary>
internal sealed class SyntheticBackground
{
    private readonly Rgb _from, _to;
    private readonly double _angle;
    private readonly Blob[] _blobs;

    private sealed record Blob(double X, double Y, double Radius, Rgb Colour, double Strength, double DriftX, double DriftY);

    public SyntheticBackground(Random rng, int width, int height)
    {
        _from = RandomColour(rng);
        _to = RandomColour(rng);
        _angle = rng.NextDouble() * Math.PI * 2;
        _blobs = new Blob[rng.Next(3, 7)];
        for (var i = 0; i < _blobs.Length; i++)
        {
            _blobs[i] = new Blob(
                rng.NextDouble() * width, rng.NextDouble() * height,
                (0.1 + rng.NextDouble() * 0.25) * Math.Min(width, height) + 2,
                RandomColour(rng), 0.3 + rng.NextDouble() * 0.5,
                rng.NextDouble() * 4 - 2, rng.NextDouble() * 4 - 2);
        }
    }

    /// <summary>Paints the scene; <paramref name="time"/> 0 is frame1, 1 is frame2 (blobs drift, light changes slightly).</summary>
    public void Paint(Canvas canvas, Random rng, double time)
    {
        var light = time * 0.03;
        var (cos, sin) = (Math.Cos(_angle), Math.Sin(_angle));
        for (var y = 0; y < canvas.Height; y++)
        {
            for (var x = 0; x < canvas.Width; x++)
            {
                var u = ((x / (double)canvas.Width - 0.5) * cos + (y / (double)canvas.Height - 0.5) * sin) + 0.5;
                var c = Rgb.Lerp(_from, _to, Math.Clamp(u, 0, 1));
                foreach (var b in _blobs)
                {
                    var dx = x - (b.X + b.DriftX * time);
                    var dy = y - (b.Y + b.DriftY * time);
                    var a = b.Strength * Math.Exp(-(dx * dx + dy * dy) / (2 * b.Radius * b.Radius));
                    c = Rgb.Lerp(c, b.Colour, a);
                }
                var noise = (rng.NextDouble() - 0.5) * 0.06;
                canvas.Set(x, y, c.Shift(light + noise));
            }
        }
    }

    private static Rgb RandomColour(Random rng) => new(rng.NextDouble(), rng.NextDouble(), rng.NextDouble());
}
