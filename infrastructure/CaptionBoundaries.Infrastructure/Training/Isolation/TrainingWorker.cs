using System.Diagnostics;
using System.Text.Json;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Domain.Training.Isolation;
using CaptionBoundaries.Infrastructure.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Infrastructure.Training.Isolation;

/// <summary>
/// One run in its own worker process, supervised: epochs are handed to <c>onEpoch</c> (whose false answer stops the
/// worker), <see cref="RequestStop"/> asks it to stop and kills it after the grace period, and two watchdogs kill it
/// when it reports nothing for <see cref="TrainingOptions.ProgressTimeout"/> or its resident memory passes
/// <see cref="TrainingOptions.MaxRunMemoryBytes"/>. Whatever happens to the child, <see cref="RunAsync"/> returns how it
/// ended and whether the worker wrote that ending to the run's row itself (if not, the caller must).
/// </summary>
public sealed class TrainingWorker
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private const int StderrTailLines = 20;

    private readonly WorkerLaunch _launch;
    private readonly TrainingOptions _options;
    private readonly IConfiguration _configuration;
    private readonly ILogger _logger;
    private readonly Queue<string> _stderrTail = new();
    private readonly object _gate = new();
    private Process? _process;
    private DateTime _stopDeadline = DateTime.MaxValue;
    private volatile bool _stopRequested;

    public TrainingWorker(WorkerLaunch launch, TrainingOptions options, IConfiguration configuration, ILogger logger)
    {
        _launch = launch;
        _options = options;
        _configuration = configuration;
        _logger = logger;
    }

    /// <summary>Asks the worker to stop at its next step (it records Cancelled); killed if it has not exited within the grace period.</summary>
    public void RequestStop()
    {
        lock (_gate)
        {
            if (_stopRequested) return;
            _stopRequested = true;
            _stopDeadline = DateTime.UtcNow + _options.StopGracePeriod;
        }
        Send(WorkerProtocol.Stop);
    }

    /// <param name="onSteps">Step losses the worker recorded, for live views (best effort: a failure is the caller's to log).</param>
    public async Task<WorkerEnding> RunAsync(WorkerRequest request, Func<EpochMetrics, string?, Task<bool>> onEpoch,
        Func<IReadOnlyList<StepLoss>, Task>? onSteps = null)
    {
        var process = new Process { StartInfo = _launch.StartInfo(_configuration) };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            process.Dispose();
            return new WorkerEnding(new RunOutcome(ExperimentStatus.Failed, null, null,
                $"could not start the training worker '{_launch.FileName}': {e.Message}"), WrittenByWorker: false);
        }
        lock (_gate) _process = process;
        _logger.LogInformation("Worker {Pid} trains experiment {ExperimentId}", process.Id, request.ExperimentId);
        var lastProgress = DateTime.UtcNow;
        RunOutcome? reported = null;
        string? killReason = null;
        Send(JsonSerializer.Serialize(request, WorkerProtocol.Json));
        // A stop asked before the process existed had nobody to tell.
        if (_stopRequested) Send(WorkerProtocol.Stop);

        var stderr = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync() is { } line)
            {
                lock (_stderrTail)
                {
                    _stderrTail.Enqueue(line);
                    if (_stderrTail.Count > StderrTailLines) _stderrTail.Dequeue();
                }
            }
        });
        var stdout = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                WorkerMessage? message;
                try
                {
                    message = WorkerProtocol.Parse(line);
                }
                catch (JsonException)
                {
                    message = null;
                }
                if (message is null)
                {
                    _logger.LogInformation("Worker {Pid}: {Line}", process.Id, line);
                    continue;
                }
                lastProgress = DateTime.UtcNow;
                switch (message.Type)
                {
                    case WorkerMessageType.Epoch when message.Metrics is { } metrics:
                        var goOn = await onEpoch(metrics, message.BestCheckpoint);
                        // The worker waited for the answer: the time the experiment grain took is not the worker's.
                        lastProgress = DateTime.UtcNow;
                        if (!goOn) RequestStop();
                        else Send(WorkerProtocol.Continue);
                        break;
                    case WorkerMessageType.Steps when message.Steps is { Count: > 0 } steps && onSteps is not null:
                        await onSteps(steps);
                        break;
                    case WorkerMessageType.Ended:
                        reported = message.Outcome;
                        break;
                }
            }
        });

        while (!process.HasExited)
        {
            await Task.WhenAny(process.WaitForExitAsync(), Task.Delay(PollInterval));
            if (process.HasExited) break;
            killReason = Watch(process, lastProgress);
            if (killReason is null) continue;
            Kill(process);
            break;
        }
        await process.WaitForExitAsync();
        await Task.WhenAll(stdout, stderr).WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
        var exitCode = process.ExitCode;
        process.Dispose();
        lock (_gate) _process = null;

        if (killReason is not null && killReason != StoppedReason)
            return new WorkerEnding(new RunOutcome(ExperimentStatus.Failed, null, null, killReason), WrittenByWorker: false);
        if (reported is not null && exitCode == 0) return new WorkerEnding(reported, WrittenByWorker: true);
        if (_stopRequested)
            return new WorkerEnding(new RunOutcome(ExperimentStatus.Cancelled, null, null, "cancelled by the user"), WrittenByWorker: false);
        return new WorkerEnding(new RunOutcome(ExperimentStatus.Failed, null, null, CrashReason(exitCode)), WrittenByWorker: false);
    }

    private const string StoppedReason = "stopped";

    /// <summary>Why the worker must die now, or null while it is healthy.</summary>
    private string? Watch(Process process, DateTime lastProgress)
    {
        if (_stopRequested && DateTime.UtcNow > _stopDeadline)
        {
            _logger.LogWarning("Worker {Pid} did not stop within {Grace}; killed", process.Id, _options.StopGracePeriod);
            return StoppedReason;
        }
        if (DateTime.UtcNow - lastProgress > _options.ProgressTimeout)
            return $"no progress for {Describe(_options.ProgressTimeout)}: the worker reported no training step or epoch and was killed";
        process.Refresh();
        var used = process.WorkingSet64;
        if (used > _options.MaxRunMemoryBytes)
            return $"used {ByteSize.Format(used)}, limit {ByteSize.Format(_options.MaxRunMemoryBytes)} (Training:MaxRunMemory): the worker was killed";
        return null;
    }

    private string CrashReason(int exitCode)
    {
        string tail;
        lock (_stderrTail) tail = string.Join('\n', _stderrTail);
        // On Unix .NET reports a child killed by signal N as exit code 128 + N.
        var how = OperatingSystem.IsWindows() || exitCode <= 128 || exitCode > 128 + 64
            ? $"exit code {exitCode}"
            : $"exit code {exitCode} (signal {exitCode - 128}{SignalName(exitCode - 128)})";
        return $"the training worker crashed: {how}" + (tail.Length > 0 ? $"; stderr: {tail}" : "");
    }

    private static string SignalName(int signal) => signal switch
    {
        6 => ", SIGABRT",
        9 => ", SIGKILL",
        11 => ", SIGSEGV",
        15 => ", SIGTERM",
        _ => "",
    };

    private static string Describe(TimeSpan span) =>
        span.TotalMinutes >= 1 && span.Seconds == 0 ? $"{span.TotalMinutes:0} min" : $"{span.TotalSeconds:0.#} s";

    private void Send(string line)
    {
        Process? process;
        lock (_gate) process = _process;
        if (process is null) return;
        try
        {
            lock (process)
            {
                process.StandardInput.WriteLine(line);
                process.StandardInput.Flush();
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The worker is gone; its exit is handled by RunAsync.
        }
    }

    private void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}

/// <summary>How a worker's run ended; <paramref name="WrittenByWorker"/> false means the row still needs this ending.</summary>
public sealed record WorkerEnding(RunOutcome Outcome, bool WrittenByWorker);
