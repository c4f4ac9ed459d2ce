using System.Text.Json;
using CaptionBoundaries.Application.Tracking;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.Experiments;

/// <summary>
/// Everything tracked about one run (settings, every epoch with per-class F1 and confusion matrix, checkpoints),
/// read from the tracking database so finished runs stay viewable after their grain is gone.
/// </summary>
public sealed record GetExperimentDetailQuery(string Id) : IQuery<ExperimentDetail>;

public sealed record ExperimentDetail(
    Guid Id, string Name, string Status, string ArchitectureName, string AugmentationName, string EmbedderName,
    string DatasetName, string DatasetIdentity, string DatasetPath, string Device, string GitCommit, string? FailureReason,
    DateTime CreatedAtUtc, DateTime? StartedAtUtc, DateTime? FinishedAtUtc, double? BestValMacroF1, int? BestEpoch,
    IReadOnlyDictionary<string, string> ModelConfig, IReadOnlyDictionary<string, string> Hyperparameters,
    IReadOnlyList<EpochDetail> Epochs, IReadOnlyList<CheckpointDetail> Checkpoints)
{
    /// <summary>Queued and running runs still change; the console keeps refreshing them.</summary>
    public bool IsLive => Status is nameof(ExperimentStatus.Queued) or nameof(ExperimentStatus.Running);
}

public sealed record EpochDetail(
    int Epoch, double TrainLoss, double ValLoss, double ValAccuracy, double ValMacroF1,
    IReadOnlyDictionary<string, double> PerClassF1, IReadOnlyList<IReadOnlyList<int>> ConfusionMatrix, double DurationSeconds);

public sealed record CheckpointDetail(string Kind, int Epoch, string Path, string Sha256, long SizeBytes, double ValMacroF1);

public sealed class GetExperimentDetailValidator : AbstractValidator<GetExperimentDetailQuery>
{
    public GetExperimentDetailValidator() =>
        RuleFor(q => q.Id).NotEmpty().MinimumLength(4).WithMessage("Experiment id prefixes need at least 4 characters.").OverridePropertyName("id");
}

public sealed class GetExperimentDetailHandler(TrackingDbContext db) : IQueryHandler<GetExperimentDetailQuery, ExperimentDetail>
{
    public async ValueTask<ExperimentDetail> Handle(GetExperimentDetailQuery query, CancellationToken cancellationToken)
    {
        var e = await ExperimentLookup.FindAsync(db, query.Id, cancellationToken);
        return new ExperimentDetail(
            e.Id, e.Name, e.Status.ToString(), e.ArchitectureName, e.AugmentationName, $"{e.EmbedderName} {e.EmbedderVersion}",
            e.DatasetName, e.DatasetIdentity, e.DatasetPath, e.Device, e.GitCommit, e.FailureReason,
            e.CreatedAtUtc, e.StartedAtUtc, e.FinishedAtUtc, e.BestValMacroF1, e.BestEpoch,
            Strings(e.ModelConfigJson), Strings(e.HyperparametersJson),
            e.Epochs.OrderBy(m => m.Epoch).Select(m => new EpochDetail(
                m.Epoch, m.TrainLoss, m.ValLoss, m.ValAccuracy, m.ValMacroF1,
                JsonSerializer.Deserialize<Dictionary<string, double>>(m.PerClassF1Json) ?? [],
                JsonSerializer.Deserialize<List<List<int>>>(m.ConfusionMatrixJson)?.Select(r => (IReadOnlyList<int>)r).ToList() ?? [],
                m.DurationSeconds)).ToList(),
            e.Checkpoints.OrderBy(c => c.Kind).Select(c => new CheckpointDetail(c.Kind, c.Epoch, c.Path, c.Sha256, c.SizeBytes, c.ValMacroF1)).ToList());
    }

    // Hyperparameters are stored as a JSON object of mixed numbers and strings; the console shows them as text.
    private static Dictionary<string, string> Strings(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateObject().ToDictionary(p => p.Name,
            p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText());
    }
}
