using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Ui.Services;

/// <summary>
/// One observer subscribed to one grain for as long as a page shows it. The grain's ObserverManager forgets
/// subscribers after 5 minutes, so the subscription is renewed every <see cref="Renewal"/>; the observer object
/// itself is held here because the silo keeps only a weak reference to it.
/// </summary>
public sealed class GrainSubscription<TObserver> : IAsyncDisposable where TObserver : class, IGrainObserver
{
    public static readonly TimeSpan Renewal = TimeSpan.FromMinutes(2);

    private readonly IGrainFactory _grains;
    // The strong reference that keeps the observer alive: the object reference alone would let it be collected.
    private readonly TObserver _observer;
    private readonly TObserver _reference;
    private readonly Func<TObserver, Task> _unsubscribe;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;

    private GrainSubscription(IGrainFactory grains, TObserver observer, TObserver reference, Func<TObserver, Task> subscribe,
        Func<TObserver, Task> unsubscribe, ILogger logger)
    {
        _grains = grains;
        _observer = observer;
        _reference = reference;
        _unsubscribe = unsubscribe;
        _renewing = Renew(subscribe, logger, _stop.Token);
    }

    /// <summary>Subscribes once (throwing if the grain cannot be reached) and keeps renewing until disposed.</summary>
    public static async Task<GrainSubscription<TObserver>> Start(IGrainFactory grains, TObserver observer,
        Func<TObserver, Task> subscribe, Func<TObserver, Task> unsubscribe, ILogger logger)
    {
        var reference = grains.CreateObjectReference<TObserver>(observer);
        try
        {
            await subscribe(reference);
        }
        catch
        {
            grains.DeleteObjectReference<TObserver>(reference);
            throw;
        }
        return new GrainSubscription<TObserver>(grains, observer, reference, subscribe, unsubscribe, logger);
    }

    private async Task Renew(Func<TObserver, Task> subscribe, ILogger logger, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Renewal);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    await subscribe(_reference);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The next renewal may succeed; until the 5 minutes run out the old subscription still delivers.
                    logger.LogWarning(e, "Could not renew the {Observer} subscription", typeof(TObserver).Name);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewing;
        try
        {
            await _unsubscribe(_reference);
        }
        catch (Exception)
        {
            // Best effort: a grain that cannot be reached forgets the observer when it expires.
        }
        _grains.DeleteObjectReference<TObserver>(_reference);
        _stop.Dispose();
        // Until here a late notification may still arrive, so the observer must not have been collected earlier.
        GC.KeepAlive(_observer);
    }
}
