namespace CaptionBoundaries.Domain.Datasets;

/// <summary>
/// The model input size. Every image is resized to it on load with bilinear interpolation
/// (align_corners = false); checkpoints store it so inference resizes exactly as training did.
/// </summary>
public sealed record ImageTransform(int Height, int Width)
{
    public const string Interpolation = "bilinear(align_corners=false)";

    public static ImageTransform Default { get; } = new(64, 64);

    public void Validate()
    {
        if (Height < Contracts.TaskSpec.MinImageSide || Width < Contracts.TaskSpec.MinImageSide)
            throw new ArgumentException(
                $"Image transform {Height}x{Width} is too small; both sides must be at least {Contracts.TaskSpec.MinImageSide}.");
    }
}
