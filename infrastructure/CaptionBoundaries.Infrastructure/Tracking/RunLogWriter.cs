using System.Data.Common;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Tracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace CaptionBoundaries.Infrastructure.Tracking;

/// <summary>
/// Writes a checked <see cref="RunLogBatch"/> to a run in one transaction: all of it or none. Params are written once
/// (logging the same value again is allowed, a different one is refused, as in MLflow); tags are replaced; the note
/// tag sets the run's note. Metric points are appended below EF (see <see cref="InsertMetricsAsync"/>).
/// </summary>
public sealed class RunLogWriter(TrackingDbContext db)
{
    public async Task WriteAsync(Guid runId, RunLogBatch batch, CancellationToken ct)
    {
        batch.Validate();
        var paramKeys = batch.Params.Select(p => p.Key).Distinct().ToList();
        if (paramKeys.Count > 0)
        {
            var existing = await db.RunParams.AsNoTracking().Where(p => p.ExperimentId == runId && paramKeys.Contains(p.Key))
                .ToDictionaryAsync(p => p.Key, p => p.Value, ct);
            foreach (var param in batch.Params.DistinctBy(p => p.Key))
            {
                if (existing.TryGetValue(param.Key, out var old))
                {
                    if (old != param.Value)
                        throw DomainException.Invalid(
                            $"Changing param values is not allowed. Param with key='{param.Key}' was already logged with value='{old}' for run ID='{runId:N}'. Attempted logging new value '{param.Value}'.",
                            "params");
                    continue;
                }
                db.RunParams.Add(new RunParam { ExperimentId = runId, Key = param.Key, Value = param.Value });
            }
        }

        var tags = batch.Tags.GroupBy(t => t.Key).Select(g => g.Last()).ToList();
        if (tags.Count > 0)
        {
            var keys = tags.Select(t => t.Key).ToList();
            var existing = await db.RunTags.Where(t => t.ExperimentId == runId && keys.Contains(t.Key)).ToDictionaryAsync(t => t.Key, ct);
            foreach (var tag in tags)
            {
                if (tag.Key == RunLogBatch.RunNameTag && tag.Value.Trim().Length > 0)
                {
                    // MLflow renames the run when this tag is set; the tag itself is shown from the name.
                    var named = await db.Experiments.FirstAsync(e => e.Id == runId, ct);
                    named.Name = tag.Value.Length > 200 ? tag.Value[..200] : tag.Value;
                    continue;
                }
                if (tag.Key == RunLogBatch.NoteTag)
                {
                    // Tracked, so the note is saved in the same transaction as the rest of the batch.
                    var run = await db.Experiments.FirstAsync(e => e.Id == runId, ct);
                    run.Note = tag.Value;
                    continue;
                }
                if (existing.TryGetValue(tag.Key, out var row)) row.Value = tag.Value;
                else db.RunTags.Add(new RunTag { ExperimentId = runId, Key = tag.Key, Value = tag.Value });
            }
        }

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Another request wrote one of these params or tags between our read and our write (its key is taken now).
                throw DomainException.Conflict("Another request wrote a param or tag of this batch at the same time; send the batch again.");
            }
            if (batch.Metrics.Count > 0) await InsertMetricsAsync(runId, batch.Metrics, transaction.GetDbTransaction(), ct);
            await transaction.CommitAsync(ct);
        }
        finally
        {
            db.ChangeTracker.Clear();
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Appends metric points below EF: PostgreSQL's binary COPY, elsewhere one prepared INSERT run per point, in the
    /// batch's transaction. EF's change tracking and per-row RETURNING cost more than the write itself at MLflow's batch
    /// size (bench tracking measures both providers).
    /// </summary>
    private async Task InsertMetricsAsync(Guid runId, IReadOnlyList<LoggedMetric> metrics, DbTransaction transaction, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        if (connection is NpgsqlConnection npgsql)
        {
            await using var copy = await npgsql.BeginBinaryImportAsync(
                """COPY "RunMetrics" ("ExperimentId", "Key", "Value", "IsNaN", "TimestampMs", "Step") FROM STDIN (FORMAT BINARY)""", ct);
            foreach (var metric in metrics)
            {
                var isNaN = double.IsNaN(metric.Value);
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(runId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(metric.Key, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(isNaN ? 0 : metric.Value, NpgsqlDbType.Double, ct);
                await copy.WriteAsync(isNaN, NpgsqlDbType.Boolean, ct);
                await copy.WriteAsync(metric.TimestampMs, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(metric.Step, NpgsqlDbType.Bigint, ct);
            }
            await copy.CompleteAsync(ct);
            return;
        }

        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """INSERT INTO "RunMetrics" ("ExperimentId", "Key", "Value", "IsNaN", "TimestampMs", "Step") VALUES (@run, @key, @value, @nan, @time, @step)""";
        // SQLite stores EF's Guids as upper-case text; other providers take the Guid itself.
        object run = db.Database.IsSqlite() ? runId.ToString().ToUpperInvariant() : runId;
        var key = Parameter(insert, "@key");
        var value = Parameter(insert, "@value");
        var nan = Parameter(insert, "@nan");
        var time = Parameter(insert, "@time");
        var step = Parameter(insert, "@step");
        Parameter(insert, "@run").Value = run;
        await insert.PrepareAsync(ct);
        foreach (var metric in metrics)
        {
            var isNaN = double.IsNaN(metric.Value);
            key.Value = metric.Key;
            value.Value = isNaN ? 0d : metric.Value;
            nan.Value = isNaN;
            time.Value = metric.TimestampMs;
            step.Value = metric.Step;
            await insert.ExecuteNonQueryAsync(ct);
        }
    }

    private static DbParameter Parameter(DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>Removes a tag (or clears the note); removing a tag the run does not have is refused as MLflow does.</summary>
    public async Task DeleteTagAsync(Guid runId, string key, CancellationToken ct)
    {
        RunLogBatch.CheckKey(key, "key");
        if (RunLogBatch.IsReserved(key)) throw DomainException.Invalid($"Tag '{key}' is the trainer's and cannot be deleted by clients.", "key");
        if (key == RunLogBatch.NoteTag)
        {
            await db.Experiments.Where(e => e.Id == runId).ExecuteUpdateAsync(s => s.SetProperty(e => e.Note, (string?)null), ct);
            await db.RunTags.Where(t => t.ExperimentId == runId && t.Key == key).ExecuteDeleteAsync(ct);
            return;
        }
        var deleted = await db.RunTags.Where(t => t.ExperimentId == runId && t.Key == key).ExecuteDeleteAsync(ct);
        if (deleted == 0) throw DomainException.NotFound($"No tag with name: {key} in run with id {runId:N}");
    }
}
