using CaptionBoundaries.Application.Features.DatasetVersions;
using CaptionBoundaries.Application.Features.Training;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Tests.Support;

namespace CaptionBoundaries.Tests.DatasetVersions;

public sealed class DatasetLineageTests
{
    [Fact]
    public async Task ARunOnACheckoutLinksBackToItsVersion()
    {
        await using var host = await AppHost.StartAsync();
        var folder = VersionedDatasets.Synth(host, "main");
        var created = await host.SendAsync(new CreateDatasetVersionCommand("captions", folder));
        var output = Path.Combine(host.DataFolder, "checkouts", "v1");
        await host.SendAsync(new CheckoutDatasetVersionCommand("captions", 1, output));

        var run = await host.SendAsync(new TrainModelCommand(TrainedRunFixture.TinyRun(output, "on-v1", epochs: 1) with { ImageHeight = 32, ImageWidth = 32, BatchSize = 8 }));
        Assert.Equal(ExperimentStatus.Completed, run.Status);

        var lineage = await host.SendAsync(new DatasetLineageQuery("captions", 1));
        var experiment = Assert.Single(lineage.Experiments);
        Assert.Equal(run.ExperimentId, experiment.Id);
        Assert.Equal(Path.GetFullPath(output), Path.GetFullPath(experiment.DatasetPath));
        Assert.Null(lineage.ParentVersion);
        Assert.Equal(created.Version.BlobCount + 1, lineage.Blobs.Count); // + the version manifest
        Assert.Contains(lineage.Blobs, b => b.Uses.SequenceEqual(["manifest.json"]));
        Assert.Contains(lineage.Blobs, b => b.Uses.SequenceEqual(["version manifest"]));
        Assert.Equal(created.Version.SampleCount * 3, lineage.Blobs.Sum(b => b.Uses.Count(u => u.Contains('/'))));
    }

    [Fact]
    public async Task ABlobKnowsTheVersionsThatReferenceIt()
    {
        await using var host = await AppHost.StartAsync();
        var folder = VersionedDatasets.Synth(host, "main");
        var other = VersionedDatasets.Synth(host, "other", seed: 4);
        var v1 = await host.SendAsync(new CreateDatasetVersionCommand("captions", folder));
        var changed = VersionedDatasets.ImagePath(folder, 0);
        File.Copy(VersionedDatasets.ImagePath(other, 0), changed, overwrite: true);
        var v2 = await host.SendAsync(new CreateDatasetVersionCommand("captions", folder));

        var v1Blobs = (await host.SendAsync(new DatasetLineageQuery("captions", 1))).Blobs.Select(b => b.Sha).ToHashSet();
        var v2Lineage = await host.SendAsync(new DatasetLineageQuery("captions", 2));
        Assert.Equal(1, v2Lineage.ParentVersion);
        var onlyV2 = v2Lineage.Blobs.Where(b => !v1Blobs.Contains(b.Sha) && b.Uses.Any(u => u.Contains('/'))).ToList();
        var newImage = Assert.Single(onlyV2);
        var shared = v2Lineage.Blobs.First(b => v1Blobs.Contains(b.Sha) && b.Uses.Any(u => u.Contains('/')));

        var sharedUsage = await host.SendAsync(new BlobVersionsQuery(shared.Sha));
        Assert.Equal([1, 2], sharedUsage.Versions.Select(v => v.Version));
        var newUsage = await host.SendAsync(new BlobVersionsQuery(newImage.Sha[..12]));
        Assert.Equal(newImage.Sha, newUsage.Sha);
        Assert.True(newUsage.Stored);
        Assert.Equal(v2.Version.Id, Assert.Single(newUsage.Versions).Id);
        Assert.NotEqual(v1.Version.Id, v2.Version.Id);
    }
}
