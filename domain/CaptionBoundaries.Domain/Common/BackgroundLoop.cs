using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Domain.Common;

/// <summary>
/// The one rule for background work: it never stops the host. An iteration that throws (a database that refuses a
/// write, a receiver that times out, a bug) is logged and the loop goes on with the next one; only the host stopping
/// ends a loop. A BackgroundService whose ExecuteAsync throws would otherwise stop the whole node (the generic host's
/// default), or, with that switched off, silently stop doing its work for good.
/// </summary>
public static class BackgroundLoop
{
    /// <summary>How long a loop waits after a failed iteration before the next, so a persistent fault does not spin.</summary>
    public static readonly TimeSpan DefaultPauseAfterFailure = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Runs <paramref name="iteration"/> (which does one unit of work and any waiting of its own) until
    /// <paramref name="stopping"/> is cancelled; failures are logged, counted and followed by a pause.
    /// </summary>
    public static async Task RunUntilStoppedAsync(string what, ILogger logger, Func<CancellationToken, Task> iteration,
        CancellationToken stopping, TimeSpan? pauseAfterFailure = null)
    {
        while (!stopping.IsCancellationRequested)
        {
            if (await RunOnceAsync(what, logger, iteration, stopping) is null) continue;
            try
            {
                await Task.Delay(pauseAfterFailure ?? DefaultPauseAfterFailure, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Runs one iteration and returns the exception it failed with (logged), or null when it succeeded or was
    /// cancelled because the host is stopping.
    /// </summary>
    public static async Task<Exception?> RunOnceAsync(string what, ILogger logger, Func<CancellationToken, Task> iteration, CancellationToken stopping)
    {
        try
        {
            await iteration(stopping);
            return null;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e)
        {
            logger.LogError(e, "{What} failed; it carries on with its next iteration.", what);
            return e;
        }
    }
}
