using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Grains.Abstractions;
using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Grains.Scheduling;

/// <summary>
/// Runs on every silo: follows the cluster's membership and tells the scheduler of each silo declared dead, so the
/// runs on its slots resume elsewhere. Every survivor reports the same loss; the scheduler ignores repeats and losses
/// of incarnations it no longer knows (a node that restarted since).
/// </summary>
public sealed class NodeLossWatcher(IClusterMembershipService membership, IGrainFactory grains, ILogger<NodeLossWatcher> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private const int Attempts = 30;

    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(NodeLossWatcher), ServiceLifecycleStage.Active, _ =>
        {
            _loop = Task.Run(() => WatchAsync(_stop.Token));
            return Task.CompletedTask;
        }, async ct =>
        {
            await _stop.CancelAsync();
            if (_loop is not null) await _loop.WaitAsync(ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        });

    /// <summary>
    /// Follows the membership until the silo stops. A failure (of the membership stream, or anything unexpected in a
    /// report) is logged and the watch subscribes again: losing this loop would leave the runs of every node that dies
    /// later stranded on its slots.
    /// </summary>
    private Task WatchAsync(CancellationToken ct)
    {
        var reported = new HashSet<SiloAddress>();
        return BackgroundLoop.RunUntilStoppedAsync("Watching the cluster for lost nodes", logger, async c =>
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(c))
                foreach (var dead in snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead && !reported.Contains(m.SiloAddress)))
                    if (await ReportAsync(dead, c)) reported.Add(dead.SiloAddress);
            // The stream only ends as the silo stops; wait for that rather than subscribing again at once.
            await Task.Delay(RetryDelay, c);
        }, ct);
    }

    /// <summary>Retries for a while: the scheduler itself may have lived on the lost silo and is being reactivated.</summary>
    private async Task<bool> ReportAsync(ClusterMember dead, CancellationToken ct)
    {
        for (var attempt = 1; attempt <= Attempts && !ct.IsCancellationRequested; attempt++)
        {
            try
            {
                await grains.GetGrain<ISchedulerGrain>(0).NodeLost(dead.Name, dead.SiloAddress.ToParsableString());
                return true;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning(e, "Could not report lost node {Node} ({Silo}) to the scheduler (attempt {Attempt})", dead.Name, dead.SiloAddress, attempt);
                await Task.Delay(RetryDelay, ct);
            }
        }
        return false;
    }
}
