using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Explain;
using CaptionBoundaries.Domain.Inference;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Mediator;
using static TorchSharp.torch;

namespace CaptionBoundaries.Application.Features.Explain;

/// <summary>
/// The validation samples of one confusion-matrix cell (labelled <see cref="TrueClass"/>, predicted
/// <see cref="PredictedClass"/>) for a run's best checkpoint, a page at a time, each with Grad-CAM overlays of the
/// predicted class: why the model said what it said.
/// </summary>
[RequiresRole(Roles.Viewer)]
public sealed record GetConfusionCellSamplesQuery(string ExperimentId, string TrueClass, string PredictedClass, int Skip = 0, int Take = 6)
    : IQuery<ConfusionCellSamples>;

/// <summary>One validation sample of a run (by its index in the validation split), predicted and explained.</summary>
[RequiresRole(Roles.Viewer)]
public sealed record ExplainRunSampleQuery(string ExperimentId, int ValidationIndex, string Target = ExplainTarget.Predicted) : IQuery<RunSampleExplanation>;

/// <summary>Which checkpoint of the run answered, and how many validation samples its dataset has.</summary>
public sealed record RunCheckpointInfo(string Kind, int Epoch, string Sha256, string ArchitectureName, int ValidationSamples);

/// <param name="Total">Samples in the cell; <see cref="Samples"/> is the page from <see cref="Skip"/>.</param>
public sealed record ConfusionCellSamples(
    Guid ExperimentId, RunCheckpointInfo Checkpoint, string TrueClass, string PredictedClass, int Total, int Skip,
    IReadOnlyList<ExplainedSample> Samples, IReadOnlyList<string> Notes);

public sealed record RunSampleExplanation(Guid ExperimentId, RunCheckpointInfo Checkpoint, ExplainedSample Sample, IReadOnlyList<string> Notes);

public sealed class GetConfusionCellSamplesValidator : AbstractValidator<GetConfusionCellSamplesQuery>
{
    public GetConfusionCellSamplesValidator()
    {
        RuleFor(q => q.ExperimentId).NotEmpty().MinimumLength(4).WithMessage("Experiment id prefixes need at least 4 characters.").OverridePropertyName("id");
        RuleFor(q => q.TrueClass).Must(TaskSpec.Classes.Contains)
            .WithMessage(q => $"True class '{q.TrueClass}' is not one of: {string.Join(", ", TaskSpec.Classes)}.").OverridePropertyName("true_class");
        RuleFor(q => q.PredictedClass).Must(TaskSpec.Classes.Contains)
            .WithMessage(q => $"Predicted class '{q.PredictedClass}' is not one of: {string.Join(", ", TaskSpec.Classes)}.").OverridePropertyName("predicted_class");
        RuleFor(q => q.Skip).GreaterThanOrEqualTo(0).OverridePropertyName("skip");
        RuleFor(q => q.Take).InclusiveBetween(1, 32).OverridePropertyName("take");
    }
}

public sealed class ExplainRunSampleValidator : AbstractValidator<ExplainRunSampleQuery>
{
    public ExplainRunSampleValidator()
    {
        RuleFor(q => q.ExperimentId).NotEmpty().MinimumLength(4).WithMessage("Experiment id prefixes need at least 4 characters.").OverridePropertyName("id");
        RuleFor(q => q.ValidationIndex).GreaterThanOrEqualTo(0).OverridePropertyName("sample");
        RuleFor(q => q.Target).Must(ExplainTarget.IsValid)
            .WithMessage(q => $"Target '{q.Target}' is not one of: {string.Join(", ", ExplainTarget.Choices)}.").OverridePropertyName("target");
    }
}

public sealed class RunExplanationHandlers(TrackingDbContext db, CheckpointLoader loader, ActorContext actors, ExpensiveReads gate) :
    IQueryHandler<GetConfusionCellSamplesQuery, ConfusionCellSamples>,
    IQueryHandler<ExplainRunSampleQuery, RunSampleExplanation>
{
    public async ValueTask<ConfusionCellSamples> Handle(GetConfusionCellSamplesQuery query, CancellationToken ct)
    {
        var (experiment, checkpoint) = await BestCheckpoint(query.ExperimentId, ct);
        // Keyed by the checkpoint's hash: a run that wrote a new best answers afresh.
        var key = $"cell/{experiment.Id:N}/{checkpoint.Sha256}/{query.TrueClass}/{query.PredictedClass}/{query.Skip}/{query.Take}";
        return await gate.RunAsync(key, token => Task.Run(() =>
        {
            using var session = ExplainSession.Open(loader, checkpoint.Path, experiment.DatasetPath, CPU);
            var validation = session.Dataset.Validation;
            // The cell is decided by the same batched prediction the confusion matrix came from, not by the explaining pass.
            var predictions = session.Predict(validation);
            var cell = validation.Zip(predictions)
                .Where(x => x.First.LabelName == query.TrueClass && x.Second.PredictedClass == query.PredictedClass)
                .ToList();
            var page = cell.Skip(query.Skip).Take(query.Take).ToList();
            ct.ThrowIfCancellationRequested();
            var explained = session.Explain(page.Select(x => x.First).ToList(), page.Select(x => (int?)TaskSpec.ClassIndex(x.Second.PredictedClass)).ToList());
            var samples = explained.Zip(page, (e, x) => WithPrediction(e, x.Second)).ToList();
            return new ConfusionCellSamples(experiment.Id, Info(checkpoint, session), query.TrueClass, query.PredictedClass,
                cell.Count, query.Skip, samples, Notes(session));
        }, token), ct);
    }

    public async ValueTask<RunSampleExplanation> Handle(ExplainRunSampleQuery query, CancellationToken ct)
    {
        var (experiment, checkpoint) = await BestCheckpoint(query.ExperimentId, ct);
        var key = $"sample/{experiment.Id:N}/{checkpoint.Sha256}/{query.ValidationIndex}/{query.Target}";
        return await gate.RunAsync(key, token => Task.Run(() =>
        {
            using var session = ExplainSession.Open(loader, checkpoint.Path, experiment.DatasetPath, CPU);
            var validation = session.Dataset.Validation;
            if (query.ValidationIndex >= validation.Count)
                throw DomainException.Invalid(
                    $"Validation sample {query.ValidationIndex} does not exist: the validation split of {session.Dataset.Name} has {validation.Count} samples (0..{validation.Count - 1}).");
            var sample = session.Explain([validation[query.ValidationIndex]], query.Target)[0];
            return new RunSampleExplanation(experiment.Id, Info(checkpoint, session), sample, Notes(session));
        }, token), ct);
    }

    /// <summary>The run's best checkpoint (its last before a best exists), checked to still be on disk with its dataset.</summary>
    private async Task<(Experiment, CheckpointRecord)> BestCheckpoint(string id, CancellationToken ct)
    {
        var experiment = await ExperimentLookup.FindAsync(db, id, actors.Current, ct);
        var checkpoint = experiment.Checkpoints.FirstOrDefault(c => c.Kind == "best") ?? experiment.Checkpoints.FirstOrDefault(c => c.Kind == "last")
            ?? throw DomainException.NotFound($"Experiment {experiment.Id:N} ({experiment.Name}, {experiment.Status}) has no checkpoint yet.");
        if (!File.Exists(checkpoint.Path))
            throw DomainException.Invalid($"The '{checkpoint.Kind}' checkpoint of experiment {experiment.Id:N} is gone: '{checkpoint.Path}'.");
        if (!Directory.Exists(experiment.DatasetPath))
            throw DomainException.Invalid($"The dataset of experiment {experiment.Id:N} is gone: '{experiment.DatasetPath}'.");
        return (experiment, checkpoint);
    }

    private static ExplainedSample WithPrediction(ExplainedSample sample, Prediction prediction) => sample with
    {
        PredictedClass = prediction.PredictedClass,
        Confidence = prediction.Confidence,
        Probabilities = prediction.Probabilities,
    };

    private static RunCheckpointInfo Info(CheckpointRecord checkpoint, ExplainSession session) =>
        new(checkpoint.Kind, checkpoint.Epoch, session.Model.Sha256, session.Model.Metadata.ArchitectureName, session.Dataset.Validation.Count);

    private static IReadOnlyList<string> Notes(ExplainSession session) =>
        session.DatasetDrift() is { } drift ? [.. session.ArchitectureNotes(), drift] : session.ArchitectureNotes();
}
