namespace CaptionBoundaries.Domain.Tracking;

/// <summary>Unix milliseconds: MLflow's time unit, and the x of every logged metric point.</summary>
public static class UnixMs
{
    public static long Of(DateTime utc) => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToUnixTimeMilliseconds();

    public static DateTime ToUtc(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(ms, 0, 253_402_300_799_999)).UtcDateTime;
}
