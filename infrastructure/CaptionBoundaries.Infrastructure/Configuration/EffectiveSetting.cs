namespace CaptionBoundaries.Infrastructure.Configuration;

/// <summary>A setting as this process sees it: its value (secrets masked) and which source gave it.</summary>
public sealed record EffectiveSetting(string Key, string Value, string Source, string Description, string EnvironmentVariable, bool IsDefault);
