using System.Diagnostics;
using System.Globalization;

namespace CaptionBoundaries.Bench.PyTorch;

/// <summary>Runs bench/pytorch/caption_bench.py, the PyTorch side of the comparison, and reads its report.</summary>
public static class PyTorchPeer
{
    public const string ScriptPath = "bench/pytorch/caption_bench.py";

    /// <summary>The given script, else bench/pytorch/caption_bench.py in the current folder or any folder above it or above the binaries.</summary>
    public static string FindScript(string? given)
    {
        if (given is not null)
            return File.Exists(given) ? Path.GetFullPath(given) : throw new FileNotFoundException($"The PyTorch script '{given}' does not exist.", given);
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, ScriptPath);
                if (File.Exists(candidate)) return candidate;
            }
        }
        throw new FileNotFoundException($"Could not find {ScriptPath} above the current folder or the binaries; pass --script.");
    }

    public static async Task<PyTorchPeerResult> RunAsync(
        PyTorchBenchSettings s, string script, IEnumerable<int> forwardBatchSizes, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(s.Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        foreach (var arg in new[]
                 {
                     script, "--image-size", I(s.ImageSize), "--batch-size", I(s.BatchSize), "--steps", I(s.Steps),
                     "--warmup", I(s.Warmup), "--forward-repeats", I(s.Steps), "--threads", I(s.Threads), "--seed", I(s.Seed),
                     "--device", s.Device, "--forward-batch-sizes", string.Join(",", forwardBatchSizes.Select(I)),
                 })
            start.ArgumentList.Add(arg);

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {s.Python}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        if (process.ExitCode != 0)
        {
            var error = (await stderr).Trim();
            throw new InvalidOperationException(
                $"{s.Python} {script} exited with code {process.ExitCode}: {error[Math.Max(0, error.Length - 2000)..]}");
        }
        return PyTorchPeerResult.Parse(await stdout);
    }
}
