using System.Globalization;
using CaptionBoundaries.Grains.Abstractions;
using Microsoft.Extensions.Configuration;

namespace CaptionBoundaries.Grains.Scheduling;

/// <summary>
/// Fair-share settings from configuration section "Scheduling": DefaultUserSlotQuota (default: every slot, i.e. no
/// limit), UserQuotas:&lt;user&gt; (one user's quota) and UsageHalfLife (how fast past usage is forgotten, default 6 h:
/// a slot-hour used a day ago counts 1/16). Quotas set at run time through the scheduler win over these.
/// </summary>
public sealed record SchedulingOptions(int? DefaultUserSlotQuota, IReadOnlyDictionary<string, int> UserQuotas, TimeSpan UsageHalfLife)
{
    public const string Section = "Scheduling";
    public static readonly TimeSpan DefaultUsageHalfLife = TimeSpan.FromHours(6);

    public static SchedulingOptions Default { get; } = new(null, new Dictionary<string, int>(), DefaultUsageHalfLife);

    public static SchedulingOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        int? defaultQuota = section["DefaultUserSlotQuota"] is { } d ? Quota("Scheduling:DefaultUserSlotQuota", d) : null;
        // Configuration keys are case-insensitive, so user names in them are too.
        var users = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var user in section.GetSection("UserQuotas").GetChildren())
            users[user.Key] = Quota(user.Path, user.Value);
        var halfLife = DefaultUsageHalfLife;
        if (section["UsageHalfLife"] is { } h)
        {
            if (!TimeSpan.TryParse(h.Trim(), CultureInfo.InvariantCulture, out halfLife) || halfLife <= TimeSpan.Zero)
                throw new InvalidOperationException($"Configuration key 'Scheduling:UsageHalfLife' is '{h}'; expected a positive duration such as 06:00:00.");
        }
        return new SchedulingOptions(defaultQuota, users, halfLife);
    }

    private static int Quota(string key, string? value) =>
        int.TryParse(value?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 1
            ? n
            : throw new InvalidOperationException($"Configuration key '{key}' is '{value}'; a slot quota is a whole number of at least 1.");
}
