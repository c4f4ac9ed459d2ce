using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Architectures;

/// <summary>
/// Architectures compared by how their runs did: per architecture, how many runs the viewer can see, and over the
/// completed ones the mean, standard deviation and best of their best validation macro-F1, with the runs' trainable
/// parameters. Native top-level runs only (a plan's stages belong to their experiment; runs logged through MLflow
/// name no architecture); deleted runs are left out. Installed architectures without runs are listed too.
/// </summary>
[RequiresRole(Roles.Viewer)]
public sealed record CompareArchitecturesQuery : IQuery<IReadOnlyList<ArchitectureResult>>;

/// <summary>
/// One architecture's results. <see cref="StdBestValMacroF1"/> is the sample standard deviation (n - 1), null with
/// fewer than two completed runs. Trainable parameters span <see cref="TrainableParametersMin"/> to
/// <see cref="TrainableParametersMax"/> when runs used different configs (a LoRA rank, frozen layers).
/// </summary>
public sealed record ArchitectureResult(
    string Architecture, bool Installed, int Runs, int CompletedRuns,
    double? MeanBestValMacroF1, double? StdBestValMacroF1, double? BestValMacroF1, Guid? BestRunId, string? BestRunName,
    long? TrainableParametersMin, long? TrainableParametersMax);

public sealed class CompareArchitecturesHandler(TrackingDbContext db, PluginRegistry plugins, ActorContext actors)
    : IQueryHandler<CompareArchitecturesQuery, IReadOnlyList<ArchitectureResult>>
{
    public async ValueTask<IReadOnlyList<ArchitectureResult>> Handle(CompareArchitecturesQuery query, CancellationToken ct)
    {
        var runs = await db.Experiments.AsNoTracking().VisibleTo(actors.Current)
            .Where(e => e.Source == Experiment.NativeSource && e.ParentExperimentId == null && e.DeletedAtUtc == null)
            .Select(e => new { e.Id, e.Name, e.ArchitectureName, e.Status, e.BestValMacroF1, e.TrainableParameters })
            .ToListAsync(ct);
        var installed = plugins.Architectures.Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        var names = installed.Concat(runs.Select(r => r.ArchitectureName)).Where(n => n.Length > 0).Distinct().Order(StringComparer.Ordinal);
        return names.Select(name =>
        {
            var mine = runs.Where(r => r.ArchitectureName == name).ToList();
            var completed = mine.Where(r => r.Status == ExperimentStatus.Completed && r.BestValMacroF1 is { } f1 && double.IsFinite(f1)).ToList();
            var scores = completed.Select(r => r.BestValMacroF1!.Value).ToList();
            var best = completed.OrderByDescending(r => r.BestValMacroF1).ThenBy(r => r.Id).FirstOrDefault();
            var parameters = mine.Select(r => r.TrainableParameters).OfType<long>().ToList();
            return new ArchitectureResult(name, installed.Contains(name), mine.Count, completed.Count,
                scores.Count > 0 ? scores.Average() : null, SampleStd(scores), best?.BestValMacroF1, best?.Id, best?.Name,
                parameters.Count > 0 ? parameters.Min() : null, parameters.Count > 0 ? parameters.Max() : null);
        }).ToList();
    }

    public static double? SampleStd(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return null;
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }
}
