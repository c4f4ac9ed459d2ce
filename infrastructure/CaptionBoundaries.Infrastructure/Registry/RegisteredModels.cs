using System.Diagnostics;
using CaptionBoundaries.Domain.Registry;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Infrastructure.Registry;

/// <summary>
/// The names of models that have at least one registered version, read from the registry table and kept in memory.
/// Serving metrics label requests with a model name only when it is one of these: anyone can put any name in a
/// request path, and each new label value is a new time series kept forever. Registering a version on this node adds
/// its name at once; names registered on other nodes of a cluster are seen within <see cref="MaxAge"/>.
/// </summary>
public sealed class RegisteredModels(IServiceScopeFactory scopes, ILogger<RegisteredModels> logger)
{
    /// <summary>How stale the list may get before it is read again (one small query per interval, not per request).</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);

    private readonly object _gate = new();
    private IReadOnlySet<string> _names = new HashSet<string>(StringComparer.Ordinal);
    private readonly HashSet<string> _addedHere = new(StringComparer.Ordinal);
    private long _readAt = long.MinValue;
    private Task? _refreshing;

    /// <summary>From the list as it is now; a stale list is refreshed in the background for the next caller.</summary>
    public bool IsRegistered(string model)
    {
        if (IsStale) _ = RefreshAsync(CancellationToken.None);
        lock (_gate) return _names.Contains(model) || _addedHere.Contains(model);
    }

    /// <summary>Like <see cref="IsRegistered"/>, after reading the list again if it is stale.</summary>
    public async Task<bool> IsRegisteredAsync(string model, CancellationToken ct)
    {
        if (IsStale) await RefreshAsync(ct);
        return IsRegistered(model);
    }

    /// <summary>A version of <paramref name="model"/> was just registered on this node.</summary>
    public void Added(string model)
    {
        lock (_gate) _addedHere.Add(model);
    }

    private bool IsStale
    {
        get
        {
            lock (_gate) return _readAt == long.MinValue || Stopwatch.GetElapsedTime(_readAt) >= MaxAge;
        }
    }

    // One read at a time: every caller that finds the list stale waits for the same query.
    private Task RefreshAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            if (_refreshing is { IsCompleted: false } running) return running.WaitAsync(ct);
            _refreshing = ReadAsync();
            return _refreshing.WaitAsync(ct);
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
            var names = await db.ModelVersions.AsNoTracking().Select(v => v.ModelName).Distinct().ToListAsync();
            lock (_gate)
            {
                _names = names.ToHashSet(StringComparer.Ordinal);
                _addedHere.RemoveWhere(_names.Contains);
                _readAt = Stopwatch.GetTimestamp();
            }
        }
        catch (Exception e)
        {
            // Metrics must never fail a request: the old list stands until the next read works.
            logger.LogWarning(e, "Reading the registered model names failed; serving metrics keep the previous list.");
            lock (_gate) _readAt = Stopwatch.GetTimestamp();
        }
    }
}
