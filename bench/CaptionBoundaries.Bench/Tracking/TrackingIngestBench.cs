using System.Diagnostics;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Bench.Tracking;

/// <summary>What `bench tracking` measures: batches of <see cref="BatchSize"/> metric points per log-batch call.</summary>
public sealed record TrackingIngestRequest(int Batches, int BatchSize, int Repeats, string? PostgresServer, string WorkFolder);

/// <summary>One timed pass: <see cref="Points"/> points written in <see cref="Seconds"/>.</summary>
public sealed record IngestPass(string Provider, int Repeat, long Points, double Seconds, string LoadAverage)
{
    public double PointsPerSecond => Points / Seconds;
}

/// <summary>
/// MLflow log-batch ingestion into the tracking store: the same write the runs/log-batch handler makes (RunLogWriter,
/// one DbContext per call as per request), on a fresh SQLite database and, given a server, a fresh PostgreSQL database.
/// Providers alternate within each repeat so both see the same machine load; each repeat writes to a new run.
/// </summary>
public sealed class TrackingIngestBench
{
    public async Task<IReadOnlyList<IngestPass>> RunAsync(TrackingIngestRequest request, Action<string, int, int> progress, CancellationToken ct)
    {
        var providers = new List<(string Name, ServiceProvider Services, Func<Task> Drop)> { await Sqlite(request.WorkFolder, ct) };
        if (request.PostgresServer is { } server) providers.Add(await Postgres(server, ct));
        try
        {
            var passes = new List<IngestPass>();
            // Warm-up: JIT, connection pools and the first pages of each database, outside the timed passes.
            foreach (var (_, services, _) in providers)
                for (var i = 0; i < 5; i++) await WriteAsync(services, NewBatch(request.BatchSize, i), ct);
            for (var repeat = 1; repeat <= request.Repeats; repeat++)
                foreach (var (name, services, _) in providers)
                    passes.Add(await PassAsync(name, services, repeat, request, progress, ct));
            return passes;
        }
        finally
        {
            foreach (var (_, services, drop) in providers)
            {
                await services.DisposeAsync();
                await drop();
            }
        }
    }

    private static async Task<IngestPass> PassAsync(string provider, ServiceProvider services, int repeat, TrackingIngestRequest request,
        Action<string, int, int> progress, CancellationToken ct)
    {
        var runId = await NewRunAsync(services, ct);
        var batches = Enumerable.Range(0, request.Batches).Select(b => NewBatch(request.BatchSize, b)).ToList();
        var load = LoadAverage();
        var clock = Stopwatch.StartNew();
        for (var b = 0; b < batches.Count; b++)
        {
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<RunLogWriter>().WriteAsync(runId, batches[b], ct);
            progress($"{provider}, repeat {repeat}", b + 1, batches.Count);
        }
        clock.Stop();
        return new IngestPass(provider, repeat, (long)request.Batches * request.BatchSize, clock.Elapsed.TotalSeconds, load);
    }

    private static async Task WriteAsync(ServiceProvider services, RunLogBatch batch, CancellationToken ct)
    {
        var runId = await NewRunAsync(services, ct);
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<RunLogWriter>().WriteAsync(runId, batch, ct);
    }

    /// <summary>A training script's batch: a few series (loss, accuracy, lr…) over consecutive steps.</summary>
    private static RunLogBatch NewBatch(int size, int batch)
    {
        string[] keys = ["train_loss", "train_accuracy", "lr", "grad_norm"];
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var metrics = Enumerable.Range(0, size).Select(i =>
        {
            var step = (long)batch * size / keys.Length + i / keys.Length;
            return new LoggedMetric(keys[i % keys.Length], 1.0 / (step + 1), now + i, step);
        }).ToList();
        return new RunLogBatch(metrics, [], []);
    }

    private static async Task<Guid> NewRunAsync(ServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
        var run = new Experiment
        {
            Id = Guid.NewGuid(),
            Name = "bench-tracking",
            ArchitectureName = "external",
            ModelConfigJson = "{}",
            HyperparametersJson = "{}",
            AugmentationName = "",
            EmbedderName = "",
            EmbedderVersion = "",
            DatasetIdentity = "",
            DatasetName = "",
            DatasetPath = "",
            GitCommit = "",
            Device = "",
            Source = Experiment.MlflowSource,
            Owner = "bench",
            CreatedAtUtc = DateTime.UtcNow,
        };
        db.Experiments.Add(run);
        await db.SaveChangesAsync(ct);
        return run.Id;
    }

    private static async Task<(string, ServiceProvider, Func<Task>)> Sqlite(string folder, CancellationToken ct)
    {
        var dataFolder = Path.Combine(folder, $"bench-tracking-{Guid.NewGuid():N}");
        var services = Build(new DatabaseOptions { Provider = "sqlite" }, dataFolder);
        await TrackingDatabase.MigrateAsync(services, ct);
        return ("sqlite", services, () =>
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataFolder, recursive: true);
            return Task.CompletedTask;
        }
        );
    }

    private static async Task<(string, ServiceProvider, Func<Task>)> Postgres(string server, CancellationToken ct)
    {
        var database = $"cb_bench_{Guid.NewGuid():N}";
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
        var services = Build(new DatabaseOptions { Provider = "postgres", ConnectionString = connection }, Path.GetTempPath());
        await TrackingDatabase.MigrateAsync(services, ct); // creates the database
        return ("postgres", services, async () =>
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await using var admin = new Npgsql.NpgsqlConnection(server);
            await admin.OpenAsync(CancellationToken.None);
            await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync(CancellationToken.None);
        }
        );
    }

    private static ServiceProvider Build(DatabaseOptions options, string dataFolder)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddTrackingDatabase(options, dataFolder);
        services.AddScoped<RunLogWriter>();
        return services.BuildServiceProvider();
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
