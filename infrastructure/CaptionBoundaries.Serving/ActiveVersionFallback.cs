using System.Collections.Concurrent;
using CaptionBoundaries.Grains.Abstractions;

namespace CaptionBoundaries.Serving;

/// <summary>
/// The active version each model last answered with on this silo, used only while the model grain cannot be reached
/// (its node died and the cluster has not yet declared it dead, seconds). No switch can complete while the grain is
/// unreachable, so answering with the last known version keeps serving up through a node loss without ever going back
/// to a version a completed switch replaced.
/// </summary>
public sealed class ActiveVersionFallback
{
    private readonly ConcurrentDictionary<string, ActiveModelVersion> _last = new(StringComparer.Ordinal);

    public async Task<ActiveModelVersion?> ResolveAsync(string model, Func<Task<ActiveModelVersion?>> ask)
    {
        try
        {
            var active = await ask();
            if (active is null) _last.TryRemove(model, out _);
            else _last[model] = active;
            return active;
        }
        catch (Exception e) when (IsUnreachable(e) && _last.TryGetValue(model, out var known))
        {
            return known;
        }
    }

    private static bool IsUnreachable(Exception e) =>
        e is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException;
}
