using System.Diagnostics;
using System.Reflection;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Domain.Training.Isolation;
using CaptionBoundaries.Infrastructure.Configuration;
using Microsoft.Extensions.Configuration;

namespace CaptionBoundaries.Infrastructure.Training.Isolation;

/// <summary>
/// How to start a training worker: the same host executable with the hidden <see cref="WorkerProtocol.Verb"/>, and this
/// node's effective settings as environment variables, so the child reads the same tracking database, data folder and
/// plugins whatever mix of files, variables and command-line options configured the parent.
/// </summary>
public sealed record WorkerLaunch(string FileName, IReadOnlyList<string> Arguments)
{
    public const string HostAssemblyName = "caption-boundaries";

    /// <summary>The configured <see cref="TrainingOptions.WorkerCommand"/>, else this process when it is the host; null otherwise.</summary>
    public static WorkerLaunch? Resolve(TrainingOptions options)
    {
        if (options.WorkerCommand is { } command)
            return command.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? new(DotnetHost(), [command]) : new(command, []);
        var entry = Assembly.GetEntryAssembly();
        if (entry?.GetName().Name != HostAssemblyName || Environment.ProcessPath is not { } process) return null;
        // `dotnet caption-boundaries.dll` or the apphost `caption-boundaries`.
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? new(process, [entry.Location]) : new(process, []);
    }

    public ProcessStartInfo StartInfo(IConfiguration configuration)
    {
        var start = new ProcessStartInfo(FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in Arguments) start.ArgumentList.Add(a);
        start.ArgumentList.Add(WorkerProtocol.Verb);
        foreach (var setting in KnownSettings.All)
        {
            if (setting.IsList)
            {
                foreach (var item in configuration.GetSection(setting.Key).GetChildren())
                    if (item.Value is not null) start.Environment[$"{setting.EnvironmentVariable}__{item.Key}"] = item.Value;
            }
            else if (configuration[setting.Key] is { } value)
            {
                start.Environment[setting.EnvironmentVariable] = value;
            }
        }
        if (configuration["environment"] is { } environment) start.Environment[ConfigurationSources.EnvironmentPrefix + "ENVIRONMENT"] = environment;
        return start;
    }

    private static string DotnetHost() =>
        Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
}
