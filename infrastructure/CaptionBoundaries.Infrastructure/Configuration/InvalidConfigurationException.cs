namespace CaptionBoundaries.Infrastructure.Configuration;

/// <summary>Thrown before anything starts when the configuration has wrong values; the message names every bad key.</summary>
public sealed class InvalidConfigurationException(IReadOnlyList<ConfigurationError> errors)
    : Exception("Invalid configuration:" + string.Concat(errors.Select(e => Environment.NewLine + "  " + e)))
{
    public IReadOnlyList<ConfigurationError> Errors { get; } = errors;
}
