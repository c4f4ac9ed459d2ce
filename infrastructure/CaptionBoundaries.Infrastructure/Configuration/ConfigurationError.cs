namespace CaptionBoundaries.Infrastructure.Configuration;

/// <summary>One wrong setting: the key, as written in appsettings (Section:Key), and what is wrong with its value.</summary>
public sealed record ConfigurationError(string Key, string Message)
{
    public override string ToString() => $"'{Key}' {Message}";
}
