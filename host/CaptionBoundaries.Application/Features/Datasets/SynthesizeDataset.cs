using CaptionBoundaries.Application.Features.Inference;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.Datasets;

/// <summary>Generates a deterministic synthetic dataset into a folder.</summary>
[RequiresRole(Roles.Researcher)]
public sealed record SynthesizeDatasetCommand(
    string OutputFolder,
    int SamplesPerClass = 40,
    int Seed = 1,
    int Width = 96,
    int Height = 64,
    double ValidationFraction = 0.25,
    double TestFraction = 0) : ICommand<SynthesizedDataset>
{
    /// <summary>Samples written so far; not part of the request's identity.</summary>
    public IProgress<int>? Progress { get; init; }
}

public sealed record SynthesizedDataset(string Folder, string Identity, int Samples);

public sealed class SynthesizeDatasetValidator : AbstractValidator<SynthesizeDatasetCommand>
{
    public SynthesizeDatasetValidator(Infrastructure.Security.Paths.RequestPaths paths)
    {
        RuleFor(c => c.OutputFolder).NotEmpty().OverridePropertyName("output");
        RuleFor(c => c.OutputFolder)
            .Must(f => !Directory.Exists(f) || !Directory.EnumerateFileSystemEntries(f).Any())
            .WithMessage(c => $"Folder '{c.OutputFolder}' already exists and is not empty; pick a new folder so no dataset is overwritten.")
            .OverridePropertyName("output");
        RuleFor(c => c.OutputFolder).MustBeNewFolder(paths).When(c => !string.IsNullOrWhiteSpace(c.OutputFolder)).OverridePropertyName("output");
        RuleFor(c => c.SamplesPerClass).InclusiveBetween(2, 100_000).OverridePropertyName("samples_per_class");
        RuleFor(c => c.Width).InclusiveBetween(32, 4096).OverridePropertyName("width");
        RuleFor(c => c.Height).InclusiveBetween(32, 4096).OverridePropertyName("height");
        RuleFor(c => c.ValidationFraction).ExclusiveBetween(0, 1).OverridePropertyName("val_fraction");
        RuleFor(c => c.TestFraction).Must((c, f) => f >= 0 && f < 1 && c.ValidationFraction + f < 1)
            .WithMessage(c => $"The test fraction must be in [0, 1) and leave samples for training (val + test < 1); got {c.TestFraction}.")
            .OverridePropertyName("test_fraction");
    }
}

public sealed class SynthesizeDatasetHandler : ICommandHandler<SynthesizeDatasetCommand, SynthesizedDataset>
{
    public ValueTask<SynthesizedDataset> Handle(SynthesizeDatasetCommand command, CancellationToken cancellationToken)
    {
        var options = new SyntheticDatasetOptions
        {
            OutputFolder = command.OutputFolder,
            SamplesPerClass = command.SamplesPerClass,
            Seed = command.Seed,
            Width = command.Width,
            Height = command.Height,
            ValidationFraction = command.ValidationFraction,
            TestFraction = command.TestFraction,
        };
        SyntheticDatasetGenerator.Generate(options, command.Progress);
        var identity = DatasetIdentity.Compute(command.OutputFolder);
        return ValueTask.FromResult(new SynthesizedDataset(Path.GetFullPath(command.OutputFolder), identity, command.SamplesPerClass * 5));
    }
}
