using CaptionBoundaries.Domain.Serving;
using CaptionBoundaries.Grains.Abstractions;

namespace CaptionBoundaries.Grains.Serving;

/// <summary>The <see cref="ServingRecorder"/>'s counts as the Application's <see cref="IServingFigures"/> (the UI and API read them through a query).</summary>
public sealed class ServingFiguresSource(ServingRecorder recorder, ILocalSiloDetails silo) : IServingFigures
{
    public string Node => silo.Name;

    public IReadOnlyList<VersionServingFigures> Of(string model) =>
        recorder.Snapshot(model).Select(s => new VersionServingFigures(s.Version, s.Requests, s.Samples, s.RequestsByRoute, s.FailuresByReason,
            s.LatencyP50Ms, s.LatencyP95Ms, s.LatencyP99Ms, s.ClassMix, s.ShadowCompared, s.ShadowDisagreed, s.ShadowDropped, s.ShadowFailures)).ToList();

    public IReadOnlyDictionary<string, long> FailuresWithoutVersion(string model) => recorder.FailuresWithoutVersion(model);
}
