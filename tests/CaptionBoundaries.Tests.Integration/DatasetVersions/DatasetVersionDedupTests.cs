using CaptionBoundaries.Application.Features.DatasetVersions;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Tests.DatasetVersions;

public sealed class DatasetVersionDedupTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ChangingOneImageStoresExactlyOneNewBlob(string provider)
    {
        await using var host = await AppHost.StartAsync(provider);
        var folder = VersionedDatasets.Synth(host, "main");
        var other = VersionedDatasets.Synth(host, "other", seed: 4);

        var v1 = await host.SendAsync(new CreateDatasetVersionCommand("captions", folder, "first"));
        // Dedup is by content: the all-black OCR images of caption-less samples, for one, are stored once.
        var images = VersionedDatasets.DistinctImageContents(folder);
        Assert.True(images < DatasetManifest.Load(folder).Samples.Count * 3);
        Assert.False(v1.Reused);
        Assert.Equal(1, v1.Version.Version);
        Assert.Equal(images, v1.NewBlobs);
        Assert.Equal(images + 1, v1.Version.BlobCount); // + manifest.json
        Assert.Equal(DatasetIdentity.Compute(folder), v1.Version.ContentIdentity);
        var storedAfterV1 = VersionedDatasets.StoredBlobCount(host);
        Assert.Equal(images + 2, storedAfterV1); // + manifest.json + the version manifest

        // Same size, different pixels: another seed's frame at the same path.
        File.Copy(VersionedDatasets.ImagePath(other, 0), VersionedDatasets.ImagePath(folder, 0), overwrite: true);
        var v2 = await host.SendAsync(new CreateDatasetVersionCommand("captions", folder, "one frame changed"));

        Assert.False(v2.Reused);
        Assert.Equal(2, v2.Version.Version);
        Assert.Equal(v1.Version.Id, v2.Version.ParentVersionId);
        Assert.Equal(1, v2.NewBlobs);
        Assert.Equal(1, v2.Version.NewBlobCount);
        Assert.NotEqual(v1.Version.ContentIdentity, v2.Version.ContentIdentity);
        // The changed image and v2's version manifest; manifest.json is byte-identical so it is re-used.
        Assert.Equal(storedAfterV1 + 2, VersionedDatasets.StoredBlobCount(host));

        Assert.Equal(images, VersionedDatasets.DistinctImageContents(folder)); // the replaced frame was unique in both
        var rows = await host.QueryDb(db => db.DatasetVersionBlobs.GroupBy(b => b.VersionId).Select(g => g.Count()).ToListAsync());
        Assert.Equal([images + 2, images + 2], rows);
    }

    [Fact]
    public async Task MovingAFileStoresNoNewImageBlob()
    {
        await using var host = await AppHost.StartAsync();
        var folder = VersionedDatasets.Synth(host, "main");
        var v1 = await host.SendAsync(new CreateDatasetVersionCommand("captions", folder));
        var stored = VersionedDatasets.StoredBlobCount(host);

        VersionedDatasets.MoveImage(folder, 2);
        var v2 = await host.SendAsync(new CreateDatasetVersionCommand("captions", folder, "moved a frame"));

        Assert.False(v2.Reused);
        Assert.Equal(2, v2.Version.Version);
        Assert.Equal(0, v2.NewBlobs);
        Assert.NotEqual(v1.Version.ContentIdentity, v2.Version.ContentIdentity); // the path is part of the dataset
        // Only metadata is new: the edited manifest.json and the version manifest.
        Assert.Equal(stored + 2, VersionedDatasets.StoredBlobCount(host));
    }

    [Fact]
    public async Task IdenticalContentGivesBackTheLatestVersion()
    {
        await using var host = await AppHost.StartAsync();
        var folder = VersionedDatasets.Synth(host, "main");
        var v1 = await host.SendAsync(new CreateDatasetVersionCommand("captions", folder));
        var stored = VersionedDatasets.StoredBlobCount(host);

        var again = await host.SendAsync(new CreateDatasetVersionCommand("captions", folder, "no change"));
        var copy = Path.Combine(host.DataFolder, "work", "copy");
        TestPaths.CopyFolder(folder, copy);
        var fromCopy = await host.SendAsync(new CreateDatasetVersionCommand("captions", copy, "same content elsewhere"));

        Assert.True(again.Reused);
        Assert.True(fromCopy.Reused);
        Assert.Equal(v1.Version.Id, again.Version.Id);
        Assert.Equal(v1.Version.Id, fromCopy.Version.Id);
        Assert.Equal(0, again.NewBlobs);
        Assert.Equal(stored, VersionedDatasets.StoredBlobCount(host));
        Assert.Single(await host.SendAsync(new ListDatasetVersionsQuery("captions")));
    }

    [Fact]
    public async Task EachDatasetNumbersItsOwnVersions()
    {
        await using var host = await AppHost.StartAsync();
        var a = VersionedDatasets.Synth(host, "a");
        var b = VersionedDatasets.Synth(host, "b", seed: 9);

        await host.SendAsync(new CreateDatasetVersionCommand("alpha", a));
        var beta = await host.SendAsync(new CreateDatasetVersionCommand("beta", b));
        // The same content under another name is that dataset's own first version, sharing every blob.
        var alphaAsGamma = await host.SendAsync(new CreateDatasetVersionCommand("gamma", a));

        Assert.Equal(1, beta.Version.Version);
        Assert.False(alphaAsGamma.Reused);
        Assert.Equal(0, alphaAsGamma.NewBlobs);
        var all = await host.SendAsync(new ListDatasetVersionsQuery());
        Assert.Equal(["alpha", "beta", "gamma"], all.Select(v => v.Dataset));
    }
}
