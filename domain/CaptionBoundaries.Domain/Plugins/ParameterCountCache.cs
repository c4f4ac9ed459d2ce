using System.Runtime.CompilerServices;
using CaptionBoundaries.Contracts;

namespace CaptionBoundaries.Domain.Plugins;

/// <summary>
/// Counting parameters builds the module (hundreds of MB for the triple backbone), so the default config's
/// counts are computed once per loaded architecture instance. Weak keys let a hot-reloaded plugin's old
/// instance, and its load context, be collected.
/// </summary>
public sealed class ParameterCountCache
{
    private readonly ConditionalWeakTable<IModelArchitecture, ParameterCount> _counts = new();

    public ParameterCount Get(ArchitectureEntry entry) =>
        _counts.GetValue(entry.Architecture, a => a.CountParameters(a.DefaultConfig));
}
