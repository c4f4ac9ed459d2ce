using System.Text.Json;
using CaptionBoundaries.Application.Features.Benchmarks;
using CaptionBoundaries.Application.Features.Inference;
using CaptionBoundaries.Application.Features.Registry;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Monitoring;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Monitoring;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Monitoring;

[RequiresRole(Roles.Viewer)]
public sealed record GetMonitoringOverviewQuery : IQuery<IReadOnlyList<MonitoredModelSummary>>;

/// <summary>The monitoring page's data for one model; <paramref name="Version"/> null means the active version.</summary>
[RequiresRole(Roles.Viewer)]
public sealed record GetMonitoringDashboardQuery(string Model, int? Version = null, int History = 50) : IModelRequest, IQuery<MonitoringDashboard>;

[RequiresRole(Roles.Viewer)]
public sealed record ListAlertsQuery(string? Model = null, string? Status = null, int Limit = 100) : IModelRequest, IQuery<IReadOnlyList<AlertView>>;

[RequiresRole(Roles.Researcher)]
public sealed record AcknowledgeAlertCommand(long Id) : ICommand<AlertView>;

[RequiresRole(Roles.Viewer)]
public sealed record GetMonitoringSettingsQuery(string Model) : IModelRequest, IQuery<MonitoringSettingsView>;

[RequiresRole(Roles.Researcher)]
public sealed record UpdateMonitoringSettingsCommand(string Model, DriftSettings Settings) : IModelRequest, ICommand<MonitoringSettingsView>;

[RequiresRole(Roles.Viewer)]
public sealed record GetReferenceQuery(string Model, int Version) : IModelRequest, IQuery<ReferenceView>;

/// <summary>(Re)computes a version's reference from a dataset folder (default: its training run's dataset) and split (default val).</summary>
[RequiresRole(Roles.Researcher)]
public sealed record ComputeReferenceCommand(string Model, int Version, string? DatasetFolder = null, string? Split = null) : IModelRequest, ICommand<ReferenceView>;

/// <summary>Writes everything buffered and evaluates the touched windows now; answers the log's counters.</summary>
[RequiresRole(Roles.Researcher)]
public sealed record FlushPredictionLogCommand : ICommand<PredictionLogStatistics>;

[RequiresRole(Roles.Admin)]
public sealed record SetPredictionLoggingCommand(bool Enabled) : ICommand<PredictionLogStatistics>;

[RequiresRole(Roles.Viewer)]
public sealed record GetPredictionLogStatusQuery : IQuery<PredictionLogStatistics>;

public sealed class GetMonitoringDashboardValidator : AbstractValidator<GetMonitoringDashboardQuery>
{
    public GetMonitoringDashboardValidator()
    {
        RuleFor(q => q.Model).MustBeModelName().OverridePropertyName("model");
        RuleFor(q => q.Version).GreaterThan(0).When(q => q.Version is not null).OverridePropertyName("version");
        RuleFor(q => q.History).InclusiveBetween(1, 1000).OverridePropertyName("history");
    }
}

public sealed class ListAlertsValidator : AbstractValidator<ListAlertsQuery>
{
    public ListAlertsValidator()
    {
        RuleFor(q => q.Status).Must(s => s is null or DriftAlert.Open or DriftAlert.Acknowledged or DriftAlert.Resolved or "active")
            .WithMessage("Status must be open, acknowledged, resolved or active (open or acknowledged).").OverridePropertyName("status");
        RuleFor(q => q.Limit).InclusiveBetween(1, 10_000).OverridePropertyName("limit");
    }
}

public sealed class UpdateMonitoringSettingsValidator : AbstractValidator<UpdateMonitoringSettingsCommand>
{
    public UpdateMonitoringSettingsValidator()
    {
        RuleFor(c => c.Model).MustBeModelName().OverridePropertyName("model");
        RuleFor(c => c.Settings).NotNull().OverridePropertyName("settings");
        RuleFor(c => c.Settings).Custom((settings, context) =>
        {
            if (settings is null) return;
            foreach (var (field, message) in settings.Problems()) context.AddFailure(field, $"'{field}' {message}.");
        });
    }
}

public sealed class ComputeReferenceValidator : AbstractValidator<ComputeReferenceCommand>
{
    public ComputeReferenceValidator(Infrastructure.Security.Paths.RequestPaths paths)
    {
        RuleFor(c => c.Model).MustBeModelName().OverridePropertyName("model");
        RuleFor(c => c.Version).GreaterThan(0).OverridePropertyName("version");
        RuleFor(c => c.DatasetFolder).MustBeDatasetFolder(paths)
            .When(c => !string.IsNullOrWhiteSpace(c.DatasetFolder)).OverridePropertyName("dataset_folder");
        RuleFor(c => c.Split).Must(s => s is null or "val" or "train" or "all")
            .WithMessage("Split must be val, train or all.").OverridePropertyName("split");
    }
}

public sealed class MonitoringHandlers(IGrainFactory grains, TrackingDbContext db, PredictionLog log, DriftMonitor monitor, ReferenceProfiler profiler, ActorContext actors, PrivateModels privateModels, Infrastructure.Security.Paths.RequestPaths paths) :
    IQueryHandler<GetMonitoringOverviewQuery, IReadOnlyList<MonitoredModelSummary>>,
    IQueryHandler<GetMonitoringDashboardQuery, MonitoringDashboard>,
    IQueryHandler<ListAlertsQuery, IReadOnlyList<AlertView>>,
    ICommandHandler<AcknowledgeAlertCommand, AlertView>,
    IQueryHandler<GetMonitoringSettingsQuery, MonitoringSettingsView>,
    ICommandHandler<UpdateMonitoringSettingsCommand, MonitoringSettingsView>,
    IQueryHandler<GetReferenceQuery, ReferenceView>,
    ICommandHandler<ComputeReferenceCommand, ReferenceView>,
    ICommandHandler<FlushPredictionLogCommand, PredictionLogStatistics>,
    ICommandHandler<SetPredictionLoggingCommand, PredictionLogStatistics>,
    IQueryHandler<GetPredictionLogStatusQuery, PredictionLogStatistics>
{
    public async ValueTask<IReadOnlyList<MonitoredModelSummary>> Handle(GetMonitoringOverviewQuery query, CancellationToken ct)
    {
        var hidden = await privateModels.HiddenFromAsync(db, actors.Current, ct);
        var names = (await grains.GetGrain<IModelCatalogGrain>(0).List()).Where(n => !hidden.Contains(n)).ToList();
        var result = new List<MonitoredModelSummary>();
        foreach (var name in names.OrderBy(n => n, StringComparer.Ordinal))
        {
            var active = (await grains.GetGrain<IModelGrain>(name).GetActiveVersion())?.Version.Version;
            var predictions = await db.Predictions.Where(p => p.ModelName == name).LongCountAsync(ct);
            var last = await db.Predictions.Where(p => p.ModelName == name).MaxAsync(p => (DateTime?)p.AtUtc, ct);
            var lastEvaluation = await db.DriftEvaluations.Where(e => e.ModelName == name).MaxAsync(e => (DateTime?)e.AtUtc, ct);
            var openAlerts = await db.DriftAlerts.CountAsync(a => a.ModelName == name && a.Status != DriftAlert.Resolved, ct);
            var references = await db.ModelReferences.AsNoTracking().Where(r => r.ModelName == name).OrderBy(r => r.Version).ToListAsync(ct);
            result.Add(new MonitoredModelSummary(name, active, predictions, last, lastEvaluation, openAlerts,
                references.Select(r => new ReferenceStatus(r.Version, r.Status, r.Note, r.SampleCount, r.DatasetFolder, r.Split, r.UpdatedAtUtc)).ToList()));
        }
        return result;
    }

    public async ValueTask<MonitoringDashboard> Handle(GetMonitoringDashboardQuery query, CancellationToken ct)
    {
        var info = await ServedModelLookup.InfoAsync(grains, query.Model);
        var versions = info.Versions.Select(v => v.Version).OrderBy(v => v).ToList();
        if (query.Version is { } asked && !versions.Contains(asked))
            throw DomainException.NotFound($"Model '{query.Model}' has no version {asked}; registered versions: {string.Join(", ", versions)}.");
        var version = query.Version ?? info.ActiveVersion ?? (versions.Count > 0 ? versions[^1] : null);
        var settings = await Settings(query.Model, ct);
        var alerts = await db.DriftAlerts.AsNoTracking().Where(a => a.ModelName == query.Model)
            .OrderByDescending(a => a.Id).Take(100).ToListAsync(ct);
        if (version is not { } v)
            return new MonitoringDashboard(query.Model, null, info.ActiveVersion, versions, null, settings, 0, 0, [], [], [], [], [], [],
                alerts.Select(AlertView.From).ToList(), log.Statistics);

        var referenceRow = await db.ModelReferences.AsNoTracking().SingleOrDefaultAsync(r => r.ModelName == query.Model && r.Version == v, ct);
        var profile = referenceRow is { Status: ModelReference.Ready, ProfileJson: { } json } ? ReferenceProfile.FromJson(json) : null;
        var predictions = await db.Predictions.LongCountAsync(p => p.ModelName == query.Model && p.Version == v, ct);
        var window = await db.Predictions.AsNoTracking().Where(p => p.ModelName == query.Model && p.Version == v)
            .OrderByDescending(p => p.Id).Take(settings.Settings.WindowSize).ToListAsync(ct);
        window.Reverse();
        var evaluations = await db.DriftEvaluations.AsNoTracking().Where(e => e.ModelName == query.Model && e.Version == v)
            .OrderByDescending(e => e.Id).Take(query.History).ToListAsync(ct);
        evaluations.Reverse();

        var windowClasses = new int[TaskSpec.ClassCount];
        foreach (var p in window)
        {
            var k = IndexOfClass(p.PredictedClass);
            if (k >= 0) windowClasses[k]++;
        }
        var inputs = new List<InputDrift>();
        if (profile is not null && window.Count > 0)
        {
            var live = DriftEvaluator.Evaluate(profile, window, settings.Settings);
            for (var s = 0; s < InputStatistics.Names.Count; s++)
            {
                var name = InputStatistics.Names[s];
                if (!live.InputKs.TryGetValue(name, out var ks)) continue;
                inputs.Add(new InputDrift(name, InputStatistics.Descriptions[name], profile.Inputs[name].Average(),
                    window.Average(p => p.Statistics()[s]), ks.D, ks.P));
            }
        }

        return new MonitoringDashboard(
            query.Model, v, info.ActiveVersion, versions, referenceRow is null ? null : ToView(referenceRow),
            settings, predictions, window.Count,
            profile is null ? [] : DriftMath.Proportions(profile.ConfidenceHistogram),
            window.Count == 0 ? [] : DriftMath.Proportions(ConfidenceHistogram.Counts(window.Select(p => p.Confidence))),
            profile is null ? [] : DriftMath.Proportions(profile.ClassCounts),
            window.Count == 0 ? [] : DriftMath.Proportions(windowClasses),
            evaluations.Select(ToPoint).ToList(),
            inputs,
            alerts.Select(AlertView.From).ToList(),
            log.Statistics);
    }

    public async ValueTask<IReadOnlyList<AlertView>> Handle(ListAlertsQuery query, CancellationToken ct)
    {
        var alerts = db.DriftAlerts.AsNoTracking().AsQueryable();
        // Alerts of private models are for their owner and admins, like the models themselves.
        var hidden = await privateModels.HiddenFromAsync(db, actors.Current, ct);
        if (hidden.Count > 0) alerts = alerts.Where(a => !hidden.Contains(a.ModelName));
        if (!string.IsNullOrWhiteSpace(query.Model)) alerts = alerts.Where(a => a.ModelName == query.Model);
        alerts = query.Status switch
        {
            null => alerts,
            "active" => alerts.Where(a => a.Status != DriftAlert.Resolved),
            var s => alerts.Where(a => a.Status == s),
        };
        return (await alerts.OrderByDescending(a => a.Id).Take(query.Limit).ToListAsync(ct)).Select(AlertView.From).ToList();
    }

    public async ValueTask<AlertView> Handle(AcknowledgeAlertCommand command, CancellationToken ct)
    {
        var alert = await db.DriftAlerts.SingleOrDefaultAsync(a => a.Id == command.Id, ct);
        if (alert is null || !await privateModels.IsVisibleAsync(db, actors.Current, alert.ModelName, ct))
            throw DomainException.NotFound($"No alert {command.Id}.");
        await ModelOwnership.EnsureGovernsAsync(db, actors.Current, alert.ModelName, "its alerts", ct);
        if (alert.Status == DriftAlert.Open)
        {
            // Still de-duplicating (only resolution ends that): acknowledging only says someone is on it.
            alert.Status = DriftAlert.Acknowledged;
            alert.AcknowledgedBy = actors.Current.Name;
            await db.SaveChangesAsync(ct);
        }
        return AlertView.From(alert);
    }

    public async ValueTask<MonitoringSettingsView> Handle(GetMonitoringSettingsQuery query, CancellationToken ct) => await Settings(query.Model, ct);

    public async ValueTask<MonitoringSettingsView> Handle(UpdateMonitoringSettingsCommand command, CancellationToken ct)
    {
        await ServedModelLookup.InfoAsync(grains, command.Model);
        await ModelOwnership.EnsureGovernsAsync(db, actors.Current, command.Model, "its drift thresholds", ct);
        var row = await db.MonitoringSettings.SingleOrDefaultAsync(s => s.ModelName == command.Model, ct);
        if (row is null)
        {
            row = new MonitoringSettingsRecord { ModelName = command.Model, UpdatedBy = actors.Current.Name };
            db.MonitoringSettings.Add(row);
        }
        command.Settings.CopyTo(row);
        row.UpdatedBy = actors.Current.Name;
        row.UpdatedAtUtc = DateTime.UtcNow;
        await db.SaveChangesAsync(ct);
        monitor.InvalidateSettings(command.Model);
        return new MonitoringSettingsView(command.Model, true, DriftSettings.From(row), row.UpdatedBy, row.UpdatedAtUtc);
    }

    public async ValueTask<ReferenceView> Handle(GetReferenceQuery query, CancellationToken ct)
    {
        var row = await db.ModelReferences.AsNoTracking().SingleOrDefaultAsync(r => r.ModelName == query.Model && r.Version == query.Version, ct)
            ?? throw DomainException.NotFound($"Model '{query.Model}' version {query.Version} has no reference (is it registered?).");
        return ToView(row);
    }

    public async ValueTask<ReferenceView> Handle(ComputeReferenceCommand command, CancellationToken ct)
    {
        var info = await ServedModelLookup.InfoAsync(grains, command.Model);
        await ModelOwnership.EnsureGovernsAsync(db, actors.Current, command.Model, "its drift reference", ct);
        var version = ServedModelLookup.Versions(info, [command.Version])[0];
        await profiler.EnqueueAsync(new ReferenceJob(command.Model, command.Version, version.CheckpointPath, version.ExperimentId,
            string.IsNullOrWhiteSpace(command.DatasetFolder) ? null : paths.DatasetFolder(command.DatasetFolder, "dataset_folder"), command.Split), ct);
        return await Handle(new GetReferenceQuery(command.Model, command.Version), ct);
    }

    public async ValueTask<PredictionLogStatistics> Handle(FlushPredictionLogCommand command, CancellationToken ct)
    {
        await log.FlushAsync(ct);
        return log.Statistics;
    }

    public ValueTask<PredictionLogStatistics> Handle(SetPredictionLoggingCommand command, CancellationToken ct)
    {
        log.Enabled = command.Enabled;
        return ValueTask.FromResult(log.Statistics);
    }

    public ValueTask<PredictionLogStatistics> Handle(GetPredictionLogStatusQuery query, CancellationToken ct) => ValueTask.FromResult(log.Statistics);

    private async Task<MonitoringSettingsView> Settings(string model, CancellationToken ct)
    {
        var row = await db.MonitoringSettings.AsNoTracking().SingleOrDefaultAsync(s => s.ModelName == model, ct);
        return row is null
            ? new MonitoringSettingsView(model, false, monitor.Defaults, null, null)
            : new MonitoringSettingsView(model, true, DriftSettings.From(row), row.UpdatedBy, row.UpdatedAtUtc);
    }

    private static int IndexOfClass(string name)
    {
        for (var i = 0; i < TaskSpec.ClassCount; i++) if (TaskSpec.Classes[i] == name) return i;
        return -1;
    }

    private static ReferenceView ToView(ModelReference r)
    {
        ReferenceProfile? profile = r is { Status: ModelReference.Ready, ProfileJson: { } json } ? ReferenceProfile.FromJson(json) : null;
        return new ReferenceView(r.ModelName, r.Version, r.Status, r.Note, r.DatasetFolder, r.DatasetIdentity, r.Split, r.SampleCount,
            profile?.Accuracy, profile?.ClassCounts, profile?.ConfidenceHistogram,
            profile?.Inputs.ToDictionary(kv => kv.Key, kv => kv.Value.Count == 0 ? 0 : kv.Value.Average()), r.UpdatedAtUtc);
    }

    private static EvaluationPoint ToPoint(DriftEvaluation e)
    {
        var counts = JsonSerializer.Deserialize<int[]>(e.ClassCountsJson) ?? [];
        var ks = JsonSerializer.Deserialize<Dictionary<string, KsJson>>(e.InputKsJson) ?? [];
        var min = ks.OrderBy(kv => kv.Value.p).FirstOrDefault();
        return new EvaluationPoint(e.Id, e.AtUtc, e.WindowCount, e.ConfidencePsi, e.ClassJs, e.ClassChi2P,
            ks.Count == 0 ? 1 : min.Value.p, ks.Count == 0 ? null : min.Key, DriftMath.Proportions(counts),
            e.Breaches.Length == 0 ? [] : e.Breaches.Split(','), e.MeanConfidence, e.MeanLatencyMs);
    }

    private sealed record KsJson(double d, double p);
}
