using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Infrastructure.Training;

/// <summary>
/// A run's per-step train loss as <see cref="RunMetric"/> rows (key <see cref="StepLoss.MetricKey"/>, step = the global
/// optimiser step), added to the run's unit of work on the training thread and saved in batches: at most one save per
/// <see cref="MaxDelay"/> (a slow run's point is saved as it comes, a fast run's points a second's worth at a time), or
/// when <see cref="MaxPending"/> points wait, and at every epoch's end. Each saved batch then goes to the live observers.
/// A run that resumes replaces its points from where it picks up.
/// </summary>
public sealed class StepMetricRecorder(TrackingDbContext db, Guid experimentId, Action<IReadOnlyList<StepLoss>>? observers)
{
    public const int MaxPending = 200;
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(1);

    private readonly List<StepLoss> _pending = [];
    private long _lastSave = long.MinValue / 2;
    private bool _replaced;

    public void Add(StepLoss point)
    {
        if (!_replaced)
        {
            // Points of steps this run is about to redo (a resumed run, or an epoch that was cut off) go.
            db.RunMetrics.Where(m => m.ExperimentId == experimentId && m.Key == StepLoss.MetricKey && m.Step >= point.Step).ExecuteDelete();
            _replaced = true;
        }
        db.RunMetrics.Add(new RunMetric
        {
            ExperimentId = experimentId,
            Key = StepLoss.MetricKey,
            Step = point.Step,
            TimestampMs = point.TimestampMs,
            Value = double.IsNaN(point.Loss) ? 0 : point.Loss,
            IsNaN = double.IsNaN(point.Loss),
        });
        _pending.Add(point);
        if (_pending.Count >= MaxPending || Environment.TickCount64 - _lastSave >= MaxDelay.TotalMilliseconds) Save();
    }

    /// <summary>Saves what waits (with anything else pending in the unit of work) and tells the observers.</summary>
    public void Save()
    {
        if (_pending.Count == 0) return;
        db.SaveChanges();
        _lastSave = Environment.TickCount64;
        var batch = _pending.ToList();
        _pending.Clear();
        observers?.Invoke(batch);
    }
}
