using System.Diagnostics;
using CaptionBoundaries.Tests.Ui.E2E;

namespace CaptionBoundaries.Tests.Support;

/// <summary>The real `caption-boundaries` executable as a child process: how tests start it and run its CLI commands.</summary>
public static class HostProcess
{
    /// <summary>
    /// The host's build output with these data and plugins folders, in Production (whose appsettings ask for a real
    /// server database and a GPU; <paramref name="environment"/> brings them back to this machine).
    /// </summary>
    public static ProcessStartInfo StartInfo(string workingDirectory, string dataFolder, string pluginsFolder,
        IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(ConsoleServer.HostDll());
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var a in new[] { "--data-dir", dataFolder, "--plugins", pluginsFolder }) start.ArgumentList.Add(a);
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment) start.Environment[key] = value;
        return start;
    }

    /// <summary>Runs a CLI command to its end (with <paramref name="input"/> on stdin) and returns its output; fails on a non-zero exit.</summary>
    public static async Task<string> RunCliAsync(ProcessStartInfo start, string? input)
    {
        using var process = Process.Start(start)!;
        if (input is not null) await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException(
                $"`caption-boundaries {string.Join(' ', start.ArgumentList.Skip(1))}` exited with {process.ExitCode}:\n{await output}\n{await error}");
        return await output;
    }
}
