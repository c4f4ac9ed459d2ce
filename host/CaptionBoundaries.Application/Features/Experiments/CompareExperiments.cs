using System.Text.Json;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Experiments;

/// <summary>
/// Experiments side by side: one row per setting or metric, one column per experiment, with the rows whose
/// values differ marked, so what changed between runs is visible at a glance.
/// </summary>
[RequiresRole(Roles.Viewer)]
public sealed record CompareExperimentsQuery(IReadOnlyList<string> Ids) : IQuery<ExperimentComparison>
{
    /// <summary>Each metric series thinned to at most this many points (null: every point, as exports want).</summary>
    public int? MaxPointsPerSeries { get; init; } = RunMetricSeries.DefaultMaxPoints;
}

public sealed record ComparedExperiment(Guid Id, string Name, IReadOnlyList<EpochCurvePoint> Curve)
{
    public string Source { get; init; } = Experiment.NativeSource;

    /// <summary>
    /// Every metric of the run as a series by key, so native and external runs meet on the same keys: a native run's
    /// epochs as train_loss, val_loss, val_accuracy and val_macro_f1 with step = epoch, then its logged series.
    /// </summary>
    public IReadOnlyList<MetricSeriesDetail> Series { get; init; } = [];
}

public sealed record EpochCurvePoint(int Epoch, double TrainLoss, double ValLoss, double ValMacroF1);

public sealed record ComparisonRow(string Key, IReadOnlyList<string> Values, bool Differs);

public sealed record ExperimentComparison(IReadOnlyList<ComparedExperiment> Experiments, IReadOnlyList<ComparisonRow> Rows)
{
    /// <summary>Every metric key any compared run has, the epoch metrics first.</summary>
    public IReadOnlyList<string> MetricKeys { get; init; } = [];
}

public sealed class CompareExperimentsValidator : AbstractValidator<CompareExperimentsQuery>
{
    public CompareExperimentsValidator()
    {
        RuleFor(q => q.Ids).Must(ids => ids.Count >= 2).WithMessage("Give at least two experiment ids to compare.").OverridePropertyName("ids");
        RuleForEach(q => q.Ids).MinimumLength(4).WithMessage("Experiment id prefixes need at least 4 characters.").OverridePropertyName("ids");
    }
}

public sealed class CompareExperimentsHandler(TrackingDbContext db, Domain.Security.ActorContext actors) : IQueryHandler<CompareExperimentsQuery, ExperimentComparison>
{
    public async ValueTask<ExperimentComparison> Handle(CompareExperimentsQuery query, CancellationToken cancellationToken)
    {
        var experiments = new List<Experiment>();
        foreach (var id in query.Ids)
            experiments.Add(await ExperimentLookup.FindAsync(db, id, actors.Current, cancellationToken));

        var series = new List<IReadOnlyList<MetricSeriesDetail>>();
        foreach (var e in experiments)
            series.Add(ComparedSeries.Of(e, await RunMetricSeries.LoadAsync(db, e.Id, query.MaxPointsPerSeries, cancellationToken)));
        var columns = new List<Dictionary<string, string>>();
        for (var i = 0; i < experiments.Count; i++)
        {
            var column = Describe(experiments[i]);
            foreach (var (k, v) in await RunMetricSeries.ParamsAsync(db, experiments[i].Id, cancellationToken)) column[$"param.{k}"] = v;
            foreach (var tag in await RunTagView.OfAsync(db, experiments[i].Id, cancellationToken)) column[$"tag.{tag.Key}"] = tag.Value;
            foreach (var s in series[i].Where(s => s.Points.Count > 0)) column[$"metric.{s.Key}"] = ComparedSeries.Format(s.Points[^1].Value);
            columns.Add(column);
        }
        var keys = columns.SelectMany(c => c.Keys).Distinct().ToList();
        var rows = keys.Select(k =>
        {
            var values = columns.Select(c => c.TryGetValue(k, out var v) ? v : "").ToList();
            return new ComparisonRow(k, values, values.Distinct().Count() > 1);
        }).ToList();
        var compared = experiments.Select((e, i) => new ComparedExperiment(e.Id, e.Name,
            e.Epochs.OrderBy(m => m.Epoch).Select(m => new EpochCurvePoint(m.Epoch, m.TrainLoss, m.ValLoss, m.ValMacroF1)).ToList())
        {
            Source = e.Source,
            Series = series[i],
        }).ToList();
        return new ExperimentComparison(compared, rows) { MetricKeys = ComparedSeries.Keys(series) };
    }

    private static Dictionary<string, string> Describe(Experiment e)
    {
        var d = new Dictionary<string, string>
        {
            ["name"] = e.Name,
            ["source"] = e.Source,
            ["owner"] = e.Owner,
            ["status"] = e.Status.ToString(),
            ["architecture"] = e.ArchitectureName,
            ["dataset"] = e.DatasetIdentity.Length == 0 ? e.DatasetName : $"{e.DatasetName} ({e.DatasetIdentity[..Math.Min(12, e.DatasetIdentity.Length)]})",
            ["augmentation"] = e.AugmentationName,
            ["embedder"] = $"{e.EmbedderName} {e.EmbedderVersion}",
            ["git_commit"] = e.GitCommit,
            ["best_val_macro_f1"] = e.BestValMacroF1?.ToString("F4") ?? "",
            ["best_epoch"] = e.BestEpoch?.ToString() ?? "",
            ["epochs_recorded"] = e.Epochs.Count.ToString(),
        };
        foreach (var (k, v) in JsonSerializer.Deserialize<Dictionary<string, string>>(e.ModelConfigJson) ?? [])
            d[$"model.{k}"] = v;
        foreach (var (k, v) in JsonSerializer.Deserialize<Dictionary<string, string>>(e.HyperparametersJson) ?? [])
            d[$"hp.{k}"] = v;
        return d;
    }
}
