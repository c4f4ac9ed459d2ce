using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Datasets;

namespace CaptionBoundaries.Domain.Monitoring;

/// <summary>
/// Ways to move a replayed stream away from the training distribution, to show drift detection end to end:
/// brighter frames, frames with their captions painted out (and an empty OCR result), or a class mix skewed
/// towards one class.
/// </summary>
public static class StreamShifts
{
    public const string None = "none";
    public const string Brightness = "brightness";
    public const string CaptionFree = "caption_free";
    public const string ClassSkew = "class_skew";

    public static readonly IReadOnlyList<string> Names = [None, Brightness, CaptionFree, ClassSkew];

    /// <summary>Adds <paramref name="amount"/> (a share of full scale, may be negative) to every channel, clamped to 0-255.</summary>
    public static RgbImage Brighten(RgbImage image, double amount)
    {
        var delta = (int)Math.Round(amount * 255);
        var pixels = new byte[image.Pixels.Length];
        for (var i = 0; i < pixels.Length; i++) pixels[i] = (byte)Math.Clamp(image.Pixels[i] + delta, 0, 255);
        return new RgbImage(image.Width, image.Height, pixels);
    }

    /// <summary>
    /// Paints the caption out of a frame: the caption's box (normalised x0, y0, x1, y1, grown by a pixel) is filled
    /// column by column with the pixel just above it, so what is left looks like the background carried down.
    /// </summary>
    public static RgbImage PaintOut(RgbImage image, float x0, float y0, float x1, float y1)
    {
        var pixels = (byte[])image.Pixels.Clone();
        int left = Math.Max(0, (int)Math.Floor(x0 * image.Width) - 1), right = Math.Min(image.Width, (int)Math.Ceiling(x1 * image.Width) + 1);
        int top = Math.Max(0, (int)Math.Floor(y0 * image.Height) - 1), bottom = Math.Min(image.Height, (int)Math.Ceiling(y1 * image.Height) + 1);
        var source = Math.Max(0, top - 1);
        for (var y = top; y < bottom; y++)
            for (var x = left; x < right; x++)
                for (var c = 0; c < 3; c++)
                    pixels[(y * image.Width + x) * 3 + c] = pixels[(source * image.Width + x) * 3 + c];
        return new RgbImage(image.Width, image.Height, pixels);
    }

    /// <summary>
    /// A caption-free version of a sample: each frame's caption (per its spatial features' box) painted out, a black
    /// OCR visualisation and all-zero spatial features, as if the captions had never been there.
    /// </summary>
    public static (RgbImage Frame1, RgbImage Frame2, RgbImage OcrViz, float[] SpatialFeatures) RemoveCaptions(
        RgbImage frame1, RgbImage frame2, float[] spatialFeatures)
    {
        const int half = TaskSpec.SpatialFeatureCount / 2;
        RgbImage Clean(RgbImage frame, int offset) => spatialFeatures[offset] >= 0.5f
            ? PaintOut(frame, spatialFeatures[offset + 1], spatialFeatures[offset + 2], spatialFeatures[offset + 3], spatialFeatures[offset + 4])
            : frame;
        return (Clean(frame1, 0), Clean(frame2, half), new RgbImage(frame1.Width, frame1.Height), new float[TaskSpec.SpatialFeatureCount]);
    }

    /// <summary>
    /// The order to replay samples in: <paramref name="count"/> picks (seeded), cycling through shuffled passes of
    /// the samples; with a skew, each pick comes from <paramref name="skewClass"/> with probability
    /// <paramref name="skewShare"/> and from the other classes otherwise.
    /// </summary>
    public static List<int> Schedule(IReadOnlyList<string> labels, int count, int seed, string? skewClass = null, double skewShare = 0.8)
    {
        if (labels.Count == 0) throw new ArgumentException("There are no samples to replay.", nameof(labels));
        var rng = new Random(seed);
        var picks = new List<int>(count);
        if (skewClass is null)
        {
            while (picks.Count < count)
                picks.AddRange(Shuffled(Enumerable.Range(0, labels.Count), rng).Take(count - picks.Count));
            return picks;
        }
        var favoured = Enumerable.Range(0, labels.Count).Where(i => labels[i] == skewClass).ToList();
        var others = Enumerable.Range(0, labels.Count).Where(i => labels[i] != skewClass).ToList();
        if (favoured.Count == 0) throw new ArgumentException($"The dataset has no sample of class '{skewClass}' to skew towards.", nameof(skewClass));
        var favouredQueue = new Queue<int>();
        var otherQueue = new Queue<int>();
        for (var i = 0; i < count; i++)
        {
            var fromFavoured = others.Count == 0 || rng.NextDouble() < skewShare;
            var (queue, pool) = fromFavoured ? (favouredQueue, favoured) : (otherQueue, others);
            if (queue.Count == 0) foreach (var j in Shuffled(pool, rng)) queue.Enqueue(j);
            picks.Add(queue.Dequeue());
        }
        return picks;
    }

    private static List<int> Shuffled(IEnumerable<int> items, Random rng)
    {
        var list = items.ToList();
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
        return list;
    }
}
