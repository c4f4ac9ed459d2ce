using System.Text.Json;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Inference;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.Inference;

/// <summary>Predicts every sample of a dataset folder with a model rebuilt from a checkpoint alone.</summary>
[RequiresRole(Roles.Researcher)]
public sealed record RunInferenceCommand(string DataFolder, string CheckpointPath, string? OutputPath = null, string Device = "cpu", int BatchSize = 32)
    : ICommand<InferenceResult>;

public sealed record InferenceResult(
    string CheckpointPath,
    string CheckpointSha256,
    string ArchitectureName,
    string? OutputPath,
    IReadOnlyList<Prediction> Predictions,
    double? Accuracy);

public sealed class RunInferenceValidator : AbstractValidator<RunInferenceCommand>
{
    public RunInferenceValidator(Infrastructure.Security.Paths.RequestPaths paths)
    {
        RuleFor(c => c.CheckpointPath).MustBeCheckpointFile(paths).OverridePropertyName("checkpoint");
        RuleFor(c => c.DataFolder).MustBeDatasetFolder(paths).OverridePropertyName("data");
        RuleFor(c => c.BatchSize).InclusiveBetween(1, 4096).OverridePropertyName("batch_size");
        RuleFor(c => c.Device).Matches(DeviceSelection.Pattern()).WithMessage("Device must be cpu, cuda or cuda:N.").OverridePropertyName("device");
    }
}

public sealed class RunInferenceHandler(CheckpointLoader loader) : ICommandHandler<RunInferenceCommand, InferenceResult>
{
    public async ValueTask<InferenceResult> Handle(RunInferenceCommand command, CancellationToken cancellationToken)
    {
        var device = DeviceSelection.Resolve(command.Device);
        return await Task.Run(() =>
        {
            using var loaded = loader.Load(command.CheckpointPath, device);
            var meta = loaded.Metadata;
            var embedder = loader.EmbedderFor(meta, $"Checkpoint '{command.CheckpointPath}'");
            var dataset = CaptionDataset.Load(command.DataFolder, embedder, new ImageTransform(meta.ImageHeight, meta.ImageWidth));
            var samples = dataset.Train.Concat(dataset.Validation).ToList();
            var predictions = Predictor.Predict(loaded, dataset, samples, command.BatchSize, device);
            var labelled = predictions.Where(p => p.TrueClass is not null).ToList();
            double? accuracy = labelled.Count == 0 ? null : labelled.Count(p => p.PredictedClass == p.TrueClass) / (double)labelled.Count;
            if (command.OutputPath is not null) WritePredictions(command.OutputPath, predictions);
            return new InferenceResult(loaded.CheckpointPath, loaded.Sha256, meta.ArchitectureName, command.OutputPath, predictions, accuracy);
        }, cancellationToken);
    }

    /// <summary>JSON Lines: one prediction per line, so large outputs stream into other tools.</summary>
    private static void WritePredictions(string path, IEnumerable<Prediction> predictions)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        using var writer = new StreamWriter(path);
        foreach (var p in predictions)
        {
            writer.WriteLine(JsonSerializer.Serialize(new
            {
                sample_id = p.SampleId,
                predicted_class = p.PredictedClass,
                confidence = p.Confidence,
                true_class = p.TrueClass,
                probabilities = p.Probabilities,
            }));
        }
    }
}
