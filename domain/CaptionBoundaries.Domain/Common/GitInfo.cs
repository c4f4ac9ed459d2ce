using System.Diagnostics;

namespace CaptionBoundaries.Domain.Common;

/// <summary>The git commit of the code that runs, recorded on every experiment for provenance.</summary>
public static class GitInfo
{
    /// <summary>Set this variable where the code runs outside a checkout (e.g. a deployed build).</summary>
    public const string EnvironmentVariable = "CAPTION_BOUNDARIES_GIT_COMMIT";

    private static readonly Lazy<string> Commit = new(Read);

    public static string CurrentCommit => Commit.Value;

    private static string Read()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return fromEnvironment.Trim();
        var head = Git("rev-parse HEAD");
        if (head is null) return "unknown";
        var dirty = Git("status --porcelain --untracked-files=no");
        return string.IsNullOrEmpty(dirty) ? head : head + "-dirty";
    }

    private static string? Git(string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("git", arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null) return null;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit(5_000);
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // git is not installed
        }
    }
}
