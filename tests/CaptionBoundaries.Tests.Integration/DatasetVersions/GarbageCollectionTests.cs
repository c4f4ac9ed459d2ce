using CaptionBoundaries.Application.Features.DatasetVersions;
using CaptionBoundaries.Infrastructure.DatasetVersions;
using CaptionBoundaries.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.DatasetVersions;

public sealed class GarbageCollectionTests
{
    private static readonly TimeSpan LongAgo = TimeSpan.FromDays(2);

    [Fact]
    public async Task GcDeletesOnlyOldUnreferencedBlobs()
    {
        await using var host = await AppHost.StartAsync();
        var folder = VersionedDatasets.Synth(host, "main");
        await host.SendAsync(new CreateDatasetVersionCommand("captions", folder));
        var store = VersionedDatasets.Store(host);
        var referenced = store.Enumerate().Select(b => b.Sha).ToList();
        // Age is no reason to delete a referenced blob.
        foreach (var sha in referenced) VersionedDatasets.Age(store.PathOf(sha), LongAgo);

        var old = store.PutBytes("an abandoned blob"u8.ToArray());
        VersionedDatasets.Age(store.PathOf(old.Sha), LongAgo);
        var young = store.PutBytes("a blob a version being created may still need"u8.ToArray());

        var dry = await host.SendAsync(new CollectGarbageCommand(DryRun: true));
        Assert.True(dry.DryRun);
        Assert.Equal([old.Sha], dry.Deleted.Select(b => b.Sha));
        Assert.True(store.Contains(old.Sha));

        var gc = await host.SendAsync(new CollectGarbageCommand());
        Assert.Equal([old.Sha], gc.Deleted.Select(b => b.Sha));
        Assert.Equal(old.Bytes, gc.BytesFreed);
        Assert.Equal([young.Sha], gc.KeptYoung.Select(b => b.Sha));
        Assert.Equal(referenced.Count, gc.KeptReferenced);
        Assert.False(store.Contains(old.Sha));
        Assert.True(store.Contains(young.Sha));
        Assert.All(referenced, sha => Assert.True(store.Contains(sha)));

        var output = Path.Combine(host.DataFolder, "checkouts", "after-gc");
        await host.SendAsync(new CheckoutDatasetVersionCommand("captions", 1, output));
    }

    [Fact]
    public async Task ACancelledCreationRecordsNothingAndItsBlobsAreCollectedLater()
    {
        await using var host = await AppHost.StartAsync();
        var folder = VersionedDatasets.Synth(host, "main");
        using var cts = new CancellationTokenSource();
        var progress = new SynchronousProgress(p =>
        {
            if (p.FilesDone == 5) cts.Cancel();
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            host.SendAsync(new CreateDatasetVersionCommand("captions", folder) { Progress = progress }, cts.Token));

        Assert.Equal(0, await host.QueryDb(db => db.DatasetVersions.CountAsync()));
        Assert.Equal(0, await host.QueryDb(db => db.DatasetVersionBlobs.CountAsync()));
        var store = VersionedDatasets.Store(host);
        var written = store.Enumerate().ToList();
        Assert.Equal(6, written.Count); // manifest.json + the five images hashed before the cancel

        Assert.Empty((await host.SendAsync(new CollectGarbageCommand())).Deleted); // still within the grace period
        foreach (var blob in written) VersionedDatasets.Age(store.PathOf(blob.Sha), LongAgo);
        var gc = await host.SendAsync(new CollectGarbageCommand());
        Assert.Equal(written.Select(b => b.Sha).Order(), gc.Deleted.Select(b => b.Sha).Order());
        Assert.Equal(written.Sum(b => b.Bytes), gc.BytesFreed);
        Assert.Empty(store.Enumerate());
    }

    [Fact]
    public async Task GcWaitsForAVersionBeingCreatedAndThenSeesItsReferences()
    {
        await using var host = await AppHost.StartAsync();
        var folder = VersionedDatasets.Synth(host, "main");
        var gate = host.Services.GetRequiredService<BlobStoreGate>();
        Task<GarbageCollection>? gc = null;
        var gcQueuedDuringCreation = false;
        var progress = new SynchronousProgress(p =>
        {
            if (p.FilesDone != 3) return;
            gc = Task.Run(() => host.SendAsync(new CollectGarbageCommand()));
            // Creation holds the gate here. Poll until GC queues behind it or, if it ignored the gate, finishes.
            SpinWait.SpinUntil(() => gate.Waiting > 0 || gc.IsCompleted, TimeSpan.FromSeconds(30));
            gcQueuedDuringCreation = gate.Waiting > 0 && !gc.IsCompleted;
        });

        await host.SendAsync(new CreateDatasetVersionCommand("captions", folder) { Progress = progress });
        var collected = await gc!;

        Assert.True(gcQueuedDuringCreation, "GC did not wait at the blob store's gate while a version was being created");
        Assert.Empty(collected.Deleted);
        Assert.Empty(collected.KeptYoung); // it ran after the commit: every blob was already referenced
        Assert.Equal(VersionedDatasets.StoredBlobCount(host), collected.KeptReferenced);
    }

    [Fact]
    public void ReusingAnOldBlobRefreshesItsWriteTimeButNotItsBytes()
    {
        using var folder = new TempFolder();
        var store = new BlobStore(folder.Combine("blobs"));
        var first = store.PutBytes("content"u8.ToArray());
        VersionedDatasets.Age(store.PathOf(first.Sha), LongAgo);
        var before = File.ReadAllBytes(store.PathOf(first.Sha));

        var again = store.PutBytes("content"u8.ToArray());

        Assert.True(first.Written);
        Assert.False(again.Written);
        Assert.Equal(first.Sha, again.Sha);
        Assert.Equal(before, File.ReadAllBytes(store.PathOf(first.Sha)));
        Assert.True(DateTime.UtcNow - File.GetLastWriteTimeUtc(store.PathOf(first.Sha)) < TimeSpan.FromMinutes(1));
        Assert.Empty(store.EnumerateTempFiles());
    }

    // Progress<T> posts to the thread pool; the test needs the callback to run before the next file is hashed.
    private sealed class SynchronousProgress(Action<DatasetHashingProgress> report) : IProgress<DatasetHashingProgress>
    {
        public void Report(DatasetHashingProgress value) => report(value);
    }
}
