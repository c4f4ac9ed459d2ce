using CaptionBoundaries.Tests.Support;

namespace CaptionBoundaries.Tests.Configuration;

internal static class ConfigurationTestFiles
{
    /// <summary>The host project's folder, where the shipped appsettings*.json live.</summary>
    public static string HostFolder => Path.Combine(TestPaths.RepoRoot(), "host", "CaptionBoundaries.Host");
}
