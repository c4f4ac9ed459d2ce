using System.Threading.Channels;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Monitoring;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Infrastructure.Monitoring;

/// <summary>One served prediction, as the predictor hands it to the log.</summary>
public sealed record PredictionLogEntry(
    string Model,
    int Version,
    string PredictedClass,
    double Confidence,
    double LatencyMs,
    DateTime AtUtc,
    IReadOnlyList<double> Statistics);

/// <summary>Counters of the prediction log since start.</summary>
public sealed record PredictionLogStatistics(
    bool Enabled,
    long Recorded,
    long Written,
    long Dropped,
    long Flushes,
    int Pending,
    DateTime? LastFlushUtc,
    string? LastError,
    double WriteSeconds = 0,
    double EvaluationSeconds = 0)
{
    /// <summary>Background time (database writes plus drift evaluations) spent per written row, in microseconds.</summary>
    public double BackgroundMicrosecondsPerRow => Written == 0 ? 0 : (WriteSeconds + EvaluationSeconds) * 1e6 / Written;
}

/// <summary>
/// The prediction log: serving hands each answered prediction to <see cref="RecordAsync"/>, which only puts it in a
/// bounded in-memory buffer; one background loop writes the buffer in batches (<see cref="MonitoringOptions.FlushBatchSize"/>
/// rows or <see cref="MonitoringOptions.FlushIntervalMs"/>, whichever comes first) with one SaveChanges each, then lets
/// the <see cref="DriftMonitor"/> evaluate the windows the batch touched. Stopping the host drains the buffer before
/// the loop ends, so a clean stop loses no prediction; a full buffer makes serving wait rather than drop rows.
/// </summary>
public sealed class PredictionLog : IHostedService
{
    private readonly Channel<Item> _buffer;
    private readonly IServiceScopeFactory _scopes;
    private readonly DriftMonitor _monitor;
    private readonly MonitoringOptions _options;
    private readonly ILogger<PredictionLog> _logger;
    private Task? _loop;
    private long _recorded, _written, _dropped, _flushes, _writeTicks, _evaluationTicks;
    private DateTime? _lastFlush;
    private string? _lastError;

    public PredictionLog(IServiceScopeFactory scopes, DriftMonitor monitor, MonitoringOptions options, ILogger<PredictionLog> logger)
    {
        options.Validate();
        _scopes = scopes;
        _monitor = monitor;
        _options = options;
        _logger = logger;
        Enabled = options.Enabled;
        _buffer = Channel.CreateBounded<Item>(new BoundedChannelOptions(options.BufferCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Whether serving logs its predictions (switchable at run time; off means serving skips the input statistics too).</summary>
    public bool Enabled { get; set; }

    public PredictionLogStatistics Statistics => new(Enabled, Interlocked.Read(ref _recorded), Interlocked.Read(ref _written),
        Interlocked.Read(ref _dropped), Interlocked.Read(ref _flushes), _buffer.Reader.Count, _lastFlush, _lastError,
        Interlocked.Read(ref _writeTicks) / (double)System.Diagnostics.Stopwatch.Frequency,
        Interlocked.Read(ref _evaluationTicks) / (double)System.Diagnostics.Stopwatch.Frequency);

    /// <summary>Buffers one prediction; completes at once unless the buffer is full.</summary>
    public ValueTask RecordAsync(PredictionLogEntry entry)
    {
        Interlocked.Increment(ref _recorded);
        var item = new Item(entry, null);
        return _buffer.Writer.TryWrite(item) ? ValueTask.CompletedTask : new ValueTask(RecordSlowly(item));
    }

    /// <summary>Writes everything recorded before the call and evaluates the windows it touched (an explicit flush always evaluates).</summary>
    public async Task FlushAsync(CancellationToken ct = default)
    {
        if (_loop is null || _loop.IsCompleted) return;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await _buffer.Writer.WriteAsync(new Item(null, done), ct);
        }
        catch (ChannelClosedException)
        {
            return;
        }
        await done.Task.WaitAsync(ct);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop ??= Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Stops taking rows and writes every buffered one before returning (bounded by the host's shutdown timeout).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _buffer.Writer.TryComplete();
        if (_loop is null) return;
        try
        {
            await _loop.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            _logger.LogError("The prediction log was still writing {Pending} buffered rows when the host's shutdown timeout ran out.", _buffer.Reader.Count);
        }
    }

    private async Task RecordSlowly(Item item)
    {
        try
        {
            await _buffer.Writer.WriteAsync(item);
        }
        catch (ChannelClosedException)
        {
            // The host is stopping and the loop may already be done: write this one row directly.
            await Write([item.Entry!]);
        }
    }

    private async Task RunAsync()
    {
        var reader = _buffer.Reader;
        var batch = new List<PredictionLogEntry>(_options.FlushBatchSize);
        var waiters = new List<TaskCompletionSource>();
        var interval = TimeSpan.FromMilliseconds(_options.FlushIntervalMs);
        while (await reader.WaitToReadAsync())
        {
            // A batch that fails in a way Write and the drift evaluation do not expect is logged and dropped: the loop
            // must outlive it, or the buffer fills and serving waits on it for ever.
            var failed = await BackgroundLoop.RunOnceAsync("Prediction log flush", _logger, _ => FlushOnce(reader, batch, waiters, interval), CancellationToken.None);
            if (failed is not null)
            {
                Interlocked.Add(ref _dropped, batch.Count);
                _lastError = $"flush: {failed.Message}";
            }
            batch.Clear();
            foreach (var w in waiters) w.TrySetResult();
            waiters.Clear();
        }
    }

    private async Task FlushOnce(ChannelReader<Item> reader, List<PredictionLogEntry> batch, List<TaskCompletionSource> waiters, TimeSpan interval)
    {
        var deadline = DateTime.UtcNow + interval;
        while (batch.Count < _options.FlushBatchSize)
        {
            if (reader.TryRead(out var item))
            {
                if (item.Flushed is { } waiter)
                {
                    waiters.Add(waiter);
                    break;
                }
                batch.Add(item.Entry!);
                continue;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await WaitForMore(reader, left)) break;
        }
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var saved = await Write(batch);
        var written = System.Diagnostics.Stopwatch.GetTimestamp();
        Interlocked.Add(ref _writeTicks, written - started);
        batch.Clear();
        try
        {
            await _monitor.AfterFlushAsync(saved, force: waiters.Count > 0);
            Interlocked.Add(ref _evaluationTicks, System.Diagnostics.Stopwatch.GetTimestamp() - written);
        }
        catch (Exception e)
        {
            _lastError = $"drift evaluation: {e.Message}";
            _logger.LogError(e, "Drift evaluation after a prediction-log flush failed.");
        }
    }

    private static async Task<bool> WaitForMore(ChannelReader<Item> reader, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await reader.WaitToReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>One SaveChanges for the batch, retried twice; a batch that still fails is dropped and counted.</summary>
    private async Task<IReadOnlyList<PredictionRecord>> Write(IReadOnlyList<PredictionLogEntry> entries)
    {
        if (entries.Count == 0) return [];
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var rows = entries.Select(ToRecord).ToList();
                await using var scope = _scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
                // Insert-only: nothing to detect, so skip the change scan over every row.
                db.ChangeTracker.AutoDetectChangesEnabled = false;
                db.Predictions.AddRange(rows);
                await db.SaveChangesAsync();
                Interlocked.Add(ref _written, rows.Count);
                Interlocked.Increment(ref _flushes);
                _lastFlush = DateTime.UtcNow;
                return rows;
            }
            catch (Exception e) when (attempt < 3)
            {
                _logger.LogWarning("Writing {Count} prediction-log rows failed (attempt {Attempt}): {Error}", entries.Count, attempt, e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt * attempt));
            }
            catch (Exception e)
            {
                Interlocked.Add(ref _dropped, entries.Count);
                _lastError = $"write: {e.Message}";
                _logger.LogError(e, "Dropped {Count} prediction-log rows after 3 failed writes.", entries.Count);
                return [];
            }
        }
    }

    private static PredictionRecord ToRecord(PredictionLogEntry e)
    {
        var row = new PredictionRecord
        {
            ModelName = e.Model,
            Version = e.Version,
            PredictedClass = e.PredictedClass,
            Confidence = e.Confidence,
            LatencyMs = e.LatencyMs,
            AtUtc = e.AtUtc,
        };
        row.SetStatistics(e.Statistics);
        return row;
    }

    private sealed record Item(PredictionLogEntry? Entry, TaskCompletionSource? Flushed);
}
