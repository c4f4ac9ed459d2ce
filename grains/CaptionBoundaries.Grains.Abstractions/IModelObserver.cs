using CaptionBoundaries.Domain.Registry;

namespace CaptionBoundaries.Grains.Abstractions;

/// <summary>Live registry changes for the console (alias moves, switches, registrations, archives, traffic splits).</summary>
public interface IModelObserver : IGrainObserver
{
    void OnChanged(ModelChangeNotice notice);
}
