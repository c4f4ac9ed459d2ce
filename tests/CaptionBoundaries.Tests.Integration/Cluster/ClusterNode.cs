using System.Diagnostics;
using System.Text;

namespace CaptionBoundaries.Tests.Cluster;

/// <summary>One `caption-boundaries serve` process of a <see cref="ProcessCluster"/>: its name, URL and output.</summary>
public sealed class ClusterNode(string name, string baseUrl, Process process) : IDisposable
{
    private readonly StringBuilder _log = new();

    public string Name { get; } = name;
    public string BaseUrl { get; } = baseUrl;
    public Process Process { get; } = process;

    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    internal void Capture()
    {
        Process.OutputDataReceived += (_, e) => Append(e.Data);
        Process.ErrorDataReceived += (_, e) => Append(e.Data);
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    /// <summary>SIGKILL, as a machine that loses power: no shutdown code runs, nothing is said to the cluster.</summary>
    public async Task KillAsync()
    {
        if (Process.HasExited) return;
        Process.Kill(entireProcessTree: true);
        await Process.WaitForExitAsync();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    public void Dispose()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        Process.Dispose();
    }
}
