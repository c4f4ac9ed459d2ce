using System.Globalization;
using CaptionBoundaries.Application.Features.Registry;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.Benchmarks;

/// <summary>
/// Versions of a served model side by side: what each is (checksum, architecture, experiment, validation F1 at
/// training) and how it did in its latest benchmark. Rows whose values differ are flagged, and numeric rows carry
/// each version's difference from the first version given.
/// </summary>
[RequiresRole(Roles.Viewer)]
public sealed record CompareModelVersionsQuery(string Model, IReadOnlyList<int> Versions) : IModelRequest, IQuery<ModelVersionComparison>;

/// <summary>A compared version and the benchmark run its measurements come from (null when never benchmarked).</summary>
public sealed record ComparedModelVersion(int Version, string Sha256, Guid? BenchmarkRunId, DateTime? BenchmarkedAtUtc, string? BenchmarkDataset);

/// <summary>
/// One row, a value per version (in <see cref="ModelVersionComparison.Versions"/> order). <see cref="Numbers"/> and
/// <see cref="DifferenceFromFirst"/> are set for numeric rows only; a version without a value has null there.
/// </summary>
public sealed record VersionComparisonRow(
    string Key,
    IReadOnlyList<string> Values,
    bool Differs,
    IReadOnlyList<double?>? Numbers,
    IReadOnlyList<double?>? DifferenceFromFirst);

public sealed record ModelVersionComparison(string Model, IReadOnlyList<ComparedModelVersion> Versions, IReadOnlyList<VersionComparisonRow> Rows);

public sealed class CompareModelVersionsValidator : AbstractValidator<CompareModelVersionsQuery>
{
    public CompareModelVersionsValidator()
    {
        RuleFor(q => q.Model).MustBeModelName().OverridePropertyName("model");
        RuleFor(q => q.Versions).NotNull().Must(v => v.Distinct().Count() >= 2)
            .WithMessage("Give at least two different versions to compare (e.g. versions=1,2).").OverridePropertyName("versions");
        RuleFor(q => q.Versions).Must(v => v is null || v.All(n => n > 0))
            .WithMessage("Versions are numbers from 1 up.").OverridePropertyName("versions");
    }
}

public sealed class CompareModelVersionsHandler(IGrainFactory grains, TrackingDbContext db)
    : IQueryHandler<CompareModelVersionsQuery, ModelVersionComparison>
{
    public async ValueTask<ModelVersionComparison> Handle(CompareModelVersionsQuery query, CancellationToken ct)
    {
        var info = await ServedModelLookup.InfoAsync(grains, query.Model);
        var versions = ServedModelLookup.Versions(info, query.Versions.Distinct().ToList());
        var latest = await LatestResults.ForModelAsync(db, query.Model, ct);
        var entries = versions.Select(v => latest.GetValueOrDefault(v.Version)).ToList();

        var rows = new List<VersionComparisonRow>
        {
            Text("sha256", versions.Select(v => v.Sha256)),
            Text("architecture", versions.Select(v => v.ArchitectureName)),
            Text("experiment", versions.Select(v => v.ExperimentId?.ToString() ?? "")),
            Number("val_macro_f1", versions.Select(v => v.ValMacroF1), "F4"),
            Text("benchmark_dataset", entries.Select(e => e is null ? "" : $"{e.Run.DatasetName} {e.Run.DatasetIdentity[..Math.Min(12, e.Run.DatasetIdentity.Length)]} ({e.Run.Split})")),
            Number("accuracy", entries.Select(e => e?.Result.Accuracy), "F4"),
            Number("macro_f1", entries.Select(e => e?.Result.MacroF1), "F4"),
        };
        rows.AddRange(TaskSpec.Classes.Select(c =>
            Number(BenchmarkMetrics.PerClassF1Prefix + c, entries.Select(e => e?.Result.PerClassF1.GetValueOrDefault(c)), "F4")));
        rows.Add(Number("latency_p50_ms", entries.Select(e => e?.Result.LatencyP50Ms), "F2"));
        rows.Add(Number("latency_p95_ms", entries.Select(e => e?.Result.LatencyP95Ms), "F2"));
        rows.Add(Number("throughput_per_second", entries.Select(e => e?.Result.ThroughputPerSecond), "F1"));
        rows.Add(Number("samples", entries.Select(e => (double?)e?.Result.Samples), "F0"));

        var compared = versions.Zip(entries, (v, e) => new ComparedModelVersion(v.Version, v.Sha256, e?.Run.Id, e?.Run.CreatedAtUtc,
            e is null ? null : e.Run.DatasetName)).ToList();
        return new ModelVersionComparison(info.Name, compared, rows);
    }

    private static VersionComparisonRow Text(string key, IEnumerable<string> values)
    {
        var list = values.ToList();
        return new VersionComparisonRow(key, list, list.Distinct().Count() > 1, null, null);
    }

    // Differs compares the raw numbers, not the rounded text, so a difference below display precision still counts.
    private static VersionComparisonRow Number(string key, IEnumerable<double?> values, string format)
    {
        var numbers = values.ToList();
        var text = numbers.Select(n => n?.ToString(format, CultureInfo.InvariantCulture) ?? "").ToList();
        var baseline = numbers[0];
        var differences = numbers.Select(n => n is null || baseline is null ? (double?)null : n.Value - baseline.Value).ToList();
        return new VersionComparisonRow(key, text, numbers.Distinct().Count() > 1, numbers, differences);
    }
}
