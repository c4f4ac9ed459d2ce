namespace CaptionBoundaries.Domain.Datasets;

/// <summary>Settings of <see cref="SyntheticDatasetGenerator"/>. The same options (including the seed) give byte-identical files.</summary>
public sealed record SyntheticDatasetOptions
{
    public required string OutputFolder { get; init; }

    /// <summary>Samples per class; the five classes are always balanced.</summary>
    public int SamplesPerClass { get; init; } = 40;

    public int Seed { get; init; }

    public int Width { get; init; } = 96;

    public int Height { get; init; } = 64;

    /// <summary>Share of each class put in the validation split (stratified, so every class appears in both splits).</summary>
    public double ValidationFraction { get; init; } = 0.25;

    /// <summary>
    /// Share of each class put in a held-out "test" split (stratified, taken just before the validation samples). 0 by
    /// default, which writes exactly the train and validation splits (and bytes) the generator always wrote.
    /// </summary>
    public double TestFraction { get; init; }

    /// <summary>Dataset name written to the manifest; defaults to "synthetic-seed{Seed}".</summary>
    public string? Name { get; init; }

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(OutputFolder)) throw new ArgumentException("OutputFolder is required.", nameof(OutputFolder));
        if (SamplesPerClass < 1) throw new ArgumentOutOfRangeException(nameof(SamplesPerClass), SamplesPerClass, "Need at least 1 sample per class.");
        if (Width < Contracts.TaskSpec.MinImageSide || Height < Contracts.TaskSpec.MinImageSide)
            throw new ArgumentOutOfRangeException(nameof(Width), $"Images of {Width}x{Height} are too small; both sides must be at least {Contracts.TaskSpec.MinImageSide}.");
        if (Width > 4096 || Height > 4096)
            throw new ArgumentOutOfRangeException(nameof(Width), $"Images of {Width}x{Height} are larger than the 4096 limit of the generator.");
        if (!(ValidationFraction >= 0 && ValidationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, "ValidationFraction must be in [0, 1).");
        if (!(TestFraction >= 0 && TestFraction < 1 && ValidationFraction + TestFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(TestFraction), TestFraction, "TestFraction must be in [0, 1) and leave samples for training (ValidationFraction + TestFraction < 1).");
    }
}
