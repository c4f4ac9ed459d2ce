using CaptionBoundaries.Grains.Abstractions;
namespace CaptionBoundaries.Grains.Scheduling;

/// <summary>
/// Which queued run gets the next free slot. Only users below their slot quota compete (a user at quota is skipped, not
/// waited for); among them the one with the fewest running runs wins, then the least recent usage, then the user whose
/// oldest waiting run was queued first. Each user's own runs go in queue order.
/// </summary>
public static class FairShare
{
    public static Guid? Next(
        IReadOnlyList<Guid> queue,
        Func<Guid, string> ownerOf,
        Func<string, int> running,
        Func<string, double> recentUsage,
        Func<string, int> quota)
    {
        (Guid Id, int Running, double Usage, int Position)? best = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var position = 0; position < queue.Count; position++)
        {
            var owner = ownerOf(queue[position]);
            // Only a user's oldest queued run competes: FIFO within a user.
            if (!seen.Add(owner)) continue;
            var busy = running(owner);
            if (busy >= quota(owner)) continue;
            var candidate = (queue[position], busy, recentUsage(owner), position);
            if (best is not { } b || Better(candidate, b)) best = candidate;
        }
        return best?.Id;
    }

    private static bool Better((Guid Id, int Running, double Usage, int Position) a, (Guid Id, int Running, double Usage, int Position) b)
    {
        if (a.Running != b.Running) return a.Running < b.Running;
        if (a.Usage != b.Usage) return a.Usage < b.Usage;
        return a.Position < b.Position;
    }
}
