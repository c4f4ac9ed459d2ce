using CaptionBoundaries.Domain.Serving;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Serving;

namespace CaptionBoundaries.Grains.Predictors;

/// <summary>The <see cref="ServingRecorder"/>'s counts as the Application's <see cref="IServingFigures"/> (the UI and API read them through a query).</summary>
public sealed class ServingFiguresSource(ServingRecorder recorder, ILocalSiloDetails silo) : IServingFigures
{
    public string Node => silo.Name;

    public IReadOnlyList<VersionServingFigures> Of(string model) => recorder.Snapshot(model);

    public IReadOnlyDictionary<string, long> FailuresWithoutVersion(string model) => recorder.FailuresWithoutVersion(model);
}
