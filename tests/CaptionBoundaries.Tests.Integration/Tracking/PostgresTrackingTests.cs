using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Tracking;
using CaptionBoundaries.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Tests.Tracking;

/// <summary>The same tracking code against the real PostgreSQL server: migrations apply and queries work.</summary>
public sealed class PostgresTrackingTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task MigrationsApplyAndExperimentsAreQueryableByBestF1(string provider)
    {
        await using var host = await AppHost.StartAsync(provider);
        var migrations = await host.QueryDb(db => db.Database.GetAppliedMigrationsAsync());
        Assert.Contains(migrations, m => m.EndsWith("InitialTracking"));

        await host.QueryDb(async db =>
        {
            foreach (var (name, f1) in new[] { ("low", 0.5), ("high", 0.9), ("none", (double?)null) })
            {
                var id = Guid.NewGuid();
                db.Experiments.Add(new Experiment
                {
                    Id = id,
                    Name = name,
                    ArchitectureName = name == "low" ? "a1" : "a2",
                    ModelConfigJson = "{}",
                    HyperparametersJson = "{}",
                    AugmentationName = "none",
                    EmbedderName = "glyph_profile",
                    EmbedderVersion = "1",
                    DatasetIdentity = new string('b', 64),
                    DatasetName = "d",
                    DatasetPath = "/d",
                    GitCommit = "c",
                    Device = "cpu",
                    Status = ExperimentStatus.Completed,
                    CreatedAtUtc = DateTime.UtcNow,
                    BestValMacroF1 = f1,
                    BestEpoch = f1 is null ? null : 1,
                    Epochs = [new EpochMetric { Epoch = 1, TrainLoss = 1, ValLoss = 1, ValAccuracy = 0.5, ValMacroF1 = f1 ?? 0, PerClassF1Json = "{}", ConfusionMatrixJson = "[]", RecordedAtUtc = DateTime.UtcNow }],
                });
            }
            return await db.SaveChangesAsync();
        });

        var all = await host.SendAsync(new ListExperimentsQuery());
        Assert.Equal(["high", "low", "none"], all.Select(e => e.Name));
        var a2 = await host.SendAsync(new ListExperimentsQuery(Architecture: "a2"));
        Assert.Equal(["high", "none"], a2.Select(e => e.Name));
        Assert.All(all, e => Assert.Equal(1, e.EpochsRecorded));

        var compared = await host.SendAsync(new CompareExperimentsQuery([all[0].Id.ToString("N")[..8], all[1].Id.ToString("N")]));
        Assert.True(compared.Rows.Single(r => r.Key == "architecture").Differs);
        Assert.False(compared.Rows.Single(r => r.Key == "embedder").Differs);
    }
}
