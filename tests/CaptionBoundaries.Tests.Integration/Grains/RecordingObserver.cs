using System.Collections.Concurrent;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;

namespace CaptionBoundaries.Tests.Grains;

/// <summary>Keeps every notification in arrival order, each epoch with the last phase seen before it.</summary>
public sealed class RecordingObserver : IExperimentObserver
{
    private readonly object _gate = new();
    private ExperimentStatus? _lastPhase;

    public ConcurrentQueue<ExperimentStatus> Phases { get; } = new();
    public ConcurrentQueue<(EpochMetrics Metrics, ExperimentStatus? PhaseBefore)> Epochs { get; } = new();

    public void OnEpoch(EpochMetrics metrics)
    {
        lock (_gate) Epochs.Enqueue((metrics, _lastPhase));
    }

    public ConcurrentQueue<StepLosses> Steps { get; } = new();

    public void OnSteps(StepLosses steps) => Steps.Enqueue(steps);

    public void OnChanged(ExperimentInfo info)
    {
        lock (_gate)
        {
            if (_lastPhase != info.Phase) Phases.Enqueue(info.Phase);
            _lastPhase = info.Phase;
        }
    }
}
