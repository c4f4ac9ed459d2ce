using System.Collections.Concurrent;
using System.Text.Json;
using CaptionBoundaries.Domain.Monitoring;
using CaptionBoundaries.Domain.Registry;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Registry;
using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Infrastructure.Monitoring;

/// <summary>A drift alert as webhooks receive it (<c>kind</c> tells it apart from registry changes).</summary>
public sealed record DriftAlertNotice(
    string Kind,
    long AlertId,
    string Model,
    int Version,
    string Metric,
    double Value,
    double Threshold,
    string Message,
    DateTime AtUtc)
{
    public const string AlertKind = "drift_alert";
}

/// <summary>
/// Evaluates sliding windows after each prediction-log flush: per (model, version), at every
/// <see cref="DriftSettings.EvaluateEvery"/>-th prediction (and at the newest on an explicit flush), the last
/// <see cref="DriftSettings.WindowSize"/> predictions up to it are scored against the version's reference profile. Each
/// evaluation is stored; a metric over its threshold opens an alert unless one is already open for the same
/// (model, version, metric), which then only counts the repeat; an open alert resolves after
/// <see cref="DriftSettings.ResolveAfterCleanWindows"/> clean windows in a row. New alerts are stored with their webhook deliveries.
/// Runs on the prediction log's writer loop, so evaluations never overlap.
/// </summary>
public sealed class DriftMonitor(IServiceScopeFactory scopes, MonitoringOptions options, WebhookPublisher webhooks, ILogger<DriftMonitor> logger)
{
    private readonly Dictionary<(string Model, int Version), int> _sinceEvaluation = [];
    private readonly ConcurrentDictionary<(string Model, int Version), ReferenceProfile?> _references = new();
    private readonly ConcurrentDictionary<string, DriftSettings> _settings = new(StringComparer.Ordinal);

    public DriftSettings Defaults => options.Defaults;

    /// <summary>Raised after an alert is opened (the console listens to refresh without waiting for its next poll).</summary>
    public event Action<DriftAlertNotice>? AlertOpened;

    public void InvalidateReference(string model, int version) => _references.TryRemove((model, version), out _);

    public void InvalidateSettings(string model) => _settings.TryRemove(model, out _);

    /// <summary>
    /// Called with each flushed batch (rows in id order). A window ends at every <see cref="DriftSettings.EvaluateEvery"/>-th
    /// prediction of a version (counted since the last window end), so windows do not depend on how rows were batched;
    /// an explicit flush (<paramref name="force"/>) also ends one at the newest prediction. A window with fewer than
    /// <see cref="DriftSettings.MinWindow"/> predictions is skipped.
    /// </summary>
    public async Task AfterFlushAsync(IReadOnlyList<PredictionRecord> saved, bool force, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
        var newest = new Dictionary<(string Model, int Version), long>();
        foreach (var group in saved.GroupBy(p => (p.ModelName, p.Version)))
        {
            var settings = await SettingsFor(db, group.Key.ModelName, ct);
            var since = _sinceEvaluation.GetValueOrDefault(group.Key);
            foreach (var row in group.OrderBy(p => p.Id))
            {
                if (++since < settings.EvaluateEvery) continue;
                since = 0;
                await EvaluateWindowEndingAt(db, group.Key.ModelName, group.Key.Version, row.Id, settings, ct);
            }
            _sinceEvaluation[group.Key] = since;
            newest[group.Key] = group.Max(p => p.Id);
        }
        if (!force) return;
        foreach (var (key, since) in _sinceEvaluation.ToList())
        {
            if (since == 0) continue;
            _sinceEvaluation[key] = 0;
            var end = newest.TryGetValue(key, out var id) ? id
                : await db.Predictions.Where(p => p.ModelName == key.Model && p.Version == key.Version).MaxAsync(p => (long?)p.Id, ct) ?? 0;
            await EvaluateWindowEndingAt(db, key.Model, key.Version, end, await SettingsFor(db, key.Model, ct), ct);
        }
    }

    private async Task EvaluateWindowEndingAt(TrackingDbContext db, string model, int version, long lastId, DriftSettings settings, CancellationToken ct)
    {
        var reference = await ReferenceFor(db, model, version, ct);
        if (reference is null) return;
        var window = await db.Predictions.AsNoTracking()
            .Where(p => p.ModelName == model && p.Version == version && p.Id <= lastId)
            .OrderByDescending(p => p.Id).Take(settings.WindowSize).ToListAsync(ct);
        if (window.Count < settings.MinWindow) return;
        window.Reverse();
        await EvaluateAsync(db, model, version, reference, window, settings, ct);
    }

    private async Task EvaluateAsync(TrackingDbContext db, string model, int version, ReferenceProfile reference,
        List<PredictionRecord> window, DriftSettings settings, CancellationToken ct)
    {
        var result = DriftEvaluator.Evaluate(reference, window, settings);
        var now = DateTime.UtcNow;
        var evaluation = new DriftEvaluation
        {
            ModelName = model,
            Version = version,
            AtUtc = now,
            WindowCount = window.Count,
            FirstPredictionId = window[0].Id,
            LastPredictionId = window[^1].Id,
            ConfidencePsi = result.ConfidencePsi,
            PsiBins = result.PsiBins,
            ClassJs = result.ClassJs,
            ClassChi2 = result.ClassChi2,
            ClassChi2P = result.ClassChi2P,
            ClassCountsJson = JsonSerializer.Serialize(result.ClassCounts),
            InputKsJson = JsonSerializer.Serialize(result.InputKs.ToDictionary(kv => kv.Key, kv => new { d = kv.Value.D, p = kv.Value.P })),
            Breaches = string.Join(",", result.Breaches.Select(b => b.Metric)),
            MeanConfidence = result.MeanConfidence,
            MeanLatencyMs = result.MeanLatencyMs,
        };
        db.DriftEvaluations.Add(evaluation);

        var open = await db.DriftAlerts
            .Where(a => a.ModelName == model && a.Version == version && a.Status != DriftAlert.Resolved).ToListAsync(ct);
        var opened = new List<DriftAlert>();
        var breached = result.Breaches.ToDictionary(b => b.Metric);
        foreach (var metric in result.Metrics.Concat(open.Select(a => a.Metric)).Distinct())
        {
            var alert = open.FirstOrDefault(a => a.Metric == metric);
            if (breached.TryGetValue(metric, out var breach))
            {
                if (alert is not null)
                {
                    // De-duplicated: the open alert counts the repeat instead of a new alert being raised.
                    alert.Occurrences++;
                    alert.CleanStreak = 0;
                    alert.LastSeenAtUtc = now;
                    alert.Value = breach.Value;
                    continue;
                }
                var created = new DriftAlert
                {
                    ModelName = model,
                    Version = version,
                    Metric = metric,
                    Status = DriftAlert.Open,
                    Value = breach.Value,
                    Threshold = breach.Threshold,
                    Message = breach.Message,
                    OpenedAtUtc = now,
                    LastSeenAtUtc = now,
                    Occurrences = 1,
                };
                db.DriftAlerts.Add(created);
                opened.Add(created);
            }
            else if (alert is not null && ++alert.CleanStreak >= settings.ResolveAfterCleanWindows)
            {
                alert.Status = DriftAlert.Resolved;
                alert.ResolvedAtUtc = now;
            }
        }
        await db.SaveChangesAsync(ct);
        if (opened.Count == 0) return;

        // The alerts have their ids now: their webhook deliveries are stored with the evaluation link, in one SaveChanges.
        var notices = opened.Select(a => new DriftAlertNotice(DriftAlertNotice.AlertKind, a.Id, model, version, a.Metric, a.Value, a.Threshold, a.Message, now)).ToList();
        foreach (var a in opened) a.EvaluationId = evaluation.Id;
        foreach (var notice in notices) webhooks.AddAlert(db, notice);
        await db.SaveChangesAsync(ct);
        webhooks.Wake();
        foreach (var notice in notices)
        {
            logger.LogWarning("Drift alert {Id} on {Model} v{Version}: {Message}", notice.AlertId, model, version, notice.Message);
            AlertOpened?.Invoke(notice);
        }
    }

    private async Task<DriftSettings> SettingsFor(TrackingDbContext db, string model, CancellationToken ct)
    {
        if (_settings.TryGetValue(model, out var cached)) return cached;
        var row = await db.MonitoringSettings.AsNoTracking().SingleOrDefaultAsync(s => s.ModelName == model, ct);
        var settings = row is null ? options.Defaults : DriftSettings.From(row);
        _settings[model] = settings;
        return settings;
    }

    private async Task<ReferenceProfile?> ReferenceFor(TrackingDbContext db, string model, int version, CancellationToken ct)
    {
        if (_references.TryGetValue((model, version), out var cached) && cached is not null) return cached;
        var row = await db.ModelReferences.AsNoTracking()
            .SingleOrDefaultAsync(r => r.ModelName == model && r.Version == version && r.Status == ModelReference.Ready, ct);
        if (row?.ProfileJson is null) return null;
        try
        {
            var profile = ReferenceProfile.FromJson(row.ProfileJson);
            _references[(model, version)] = profile;
            return profile;
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            logger.LogError("The reference profile of {Model} v{Version} cannot be read: {Error}", model, version, e.Message);
            return null;
        }
    }
}
