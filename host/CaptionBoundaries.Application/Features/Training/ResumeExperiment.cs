using CaptionBoundaries.Application.Security;
using System.Globalization;
using System.Text.Json;
using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Application.Tracking;
using CaptionBoundaries.Application.Training;
using CaptionBoundaries.Grains;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.Training;

/// <summary>
/// Continues an experiment that did not finish (failed, cancelled, or cut off with its process) from what it recorded:
/// a single run from its last checkpoint, a multi-stage plan at its first unfinished stage. Everything comes from the
/// tracking row; only the device is chosen again.
/// </summary>
[RequiresRole(Roles.Researcher)]
public sealed record ResumeExperimentCommand(string Id, string Device = "cpu") : ICommand<TrainModelResult>
{
    public IProgress<TrainingProgress>? Progress { get; init; }
    public Action<EpochResult>? OnEpoch { get; init; }
}

public sealed class ResumeExperimentValidator : AbstractValidator<ResumeExperimentCommand>
{
    public ResumeExperimentValidator()
    {
        RuleFor(c => c.Id).NotEmpty().MinimumLength(4).WithMessage("Experiment id prefixes need at least 4 characters.").OverridePropertyName("id");
        RuleFor(c => c.Device).Matches(Infrastructure.DeviceSelection.Pattern()).WithMessage("Device must be cpu, cuda or cuda:N.").OverridePropertyName("device");
    }
}

public sealed class ResumeExperimentHandler(TrackingDbContext db, ExperimentRunner runner, Security.ActorContext actors) : ICommandHandler<ResumeExperimentCommand, TrainModelResult>
{
    public async ValueTask<TrainModelResult> Handle(ResumeExperimentCommand command, CancellationToken cancellationToken)
    {
        var experiment = await ExperimentLookup.FindAsync(db, command.Id, actors.Current, cancellationToken);
        await ExperimentAccess.EnsureMayChange(db, actors.Current, experiment.Id, "resume", cancellationToken);
        if (experiment.ParentExperimentId is { } parent)
            throw new ArgumentException($"Experiment {experiment.Id:N} is stage '{experiment.StageName}' of {parent:N}; resume that experiment instead.");
        if (experiment.Status == ExperimentStatus.Completed)
            throw new InvalidOperationException($"Experiment {experiment.Id:N} already completed; start a new run to train further.");

        var hp = JsonSerializer.Deserialize<Dictionary<string, string>>(experiment.HyperparametersJson) ?? [];
        double Number(string key, double fallback) => hp.TryGetValue(key, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var stages = experiment.TrainingPlanJson is { } plan ? JsonSerializer.Deserialize<List<TrainingStage>>(plan) ?? [] : [];
        var last = experiment.Checkpoints.FirstOrDefault(c => c.Kind == Trainer.LastKind);
        var train = new TrainModelCommand
        {
            DatasetFolder = experiment.DatasetPath,
            Name = experiment.Name,
            Architecture = experiment.ArchitectureName,
            ModelConfig = JsonSerializer.Deserialize<Dictionary<string, string>>(experiment.ModelConfigJson) ?? [],
            LearningRate = Number("lr", 1e-3),
            BatchSize = (int)Number("batch_size", 16),
            Epochs = (int)Number("epochs", 5),
            WeightDecay = Number("weight_decay", 1e-2),
            Seed = (int)Number("seed", 42),
            ImageHeight = (int)Number("image_height", 64),
            ImageWidth = (int)Number("image_width", 64),
            Augmentation = experiment.AugmentationName,
            Embedder = experiment.EmbedderName,
            Device = command.Device,
            Stages = stages,
            ResumeFrom = stages.Count == 0 && last is not null && File.Exists(last.Path) ? last.Path : null,
            Progress = command.Progress,
            OnEpoch = command.OnEpoch,
        };
        return await runner.RunAsync(experiment.Id, train, cancellationToken);
    }
}
