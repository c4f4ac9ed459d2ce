using CaptionBoundaries.Grains.Abstractions;
namespace CaptionBoundaries.Grains.Scheduling;

/// <summary>
/// One user's past slot usage, decayed exponentially: <see cref="SlotSeconds"/> as of <see cref="AsOfUtc"/>, worth half
/// as much one half-life later. Stored instead of a list of leases so the ledger stays one number per user.
/// </summary>
public sealed record UsageEntry
{
    public double SlotSeconds { get; set; }
    public DateTime AsOfUtc { get; set; }

    public double At(DateTime nowUtc, TimeSpan halfLife)
    {
        var elapsed = (nowUtc - AsOfUtc).TotalSeconds;
        return elapsed <= 0 ? SlotSeconds : SlotSeconds * Math.Pow(0.5, elapsed / halfLife.TotalSeconds);
    }

    /// <summary>Decays what is there up to now, then adds the lease that just ended.</summary>
    public void Add(double slotSeconds, DateTime nowUtc, TimeSpan halfLife)
    {
        SlotSeconds = At(nowUtc, halfLife) + Math.Max(0, slotSeconds);
        AsOfUtc = nowUtc > AsOfUtc ? nowUtc : AsOfUtc;
    }
}
