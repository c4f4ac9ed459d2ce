using CaptionBoundaries.Application.Features.DatasetVersions;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Infrastructure.DatasetVersions;
using CaptionBoundaries.Plugins.Embedders;
using CaptionBoundaries.Tests.Support;
using FluentValidation;

namespace CaptionBoundaries.Tests.DatasetVersions;

public sealed class DatasetCheckoutTests
{
    [Fact]
    public async Task CheckoutReproducesTheDatasetAndItsIdentity()
    {
        await using var host = await AppHost.StartAsync();
        var folder = VersionedDatasets.Synth(host, "main");
        VersionedDatasets.MoveImage(folder, 1); // a non-default layout must come back as it was
        var created = await host.SendAsync(new CreateDatasetVersionCommand("captions", folder));
        Directory.Delete(folder, recursive: true); // the store alone must be enough

        var output = Path.Combine(host.DataFolder, "checkouts", "v1");
        var checkout = await host.SendAsync(new CheckoutDatasetVersionCommand("captions", 1, output));

        Assert.Equal(created.Version.ContentIdentity, checkout.Identity);
        Assert.Equal(created.Version.ContentIdentity, DatasetIdentity.Compute(output));
        Assert.True(File.Exists(Path.Combine(output, "moved", Path.GetFileName(DatasetManifest.Load(output).Samples[1].Frame1))));
        var dataset = CaptionDataset.Load(output, new GlyphProfileFontEmbedder(), new ImageTransform(32, 32));
        Assert.Equal(created.Version.ContentIdentity, dataset.Identity);
        Assert.Equal(created.Version.SampleCount, dataset.Train.Count + dataset.Validation.Count);
        Assert.Equal(created.Version.ClassCounts["train"].Values.ToArray(), dataset.TrainClassCounts.ToArray());

        var details = await host.SendAsync(new GetDatasetVersionQuery(Id: created.Version.Id));
        Assert.Equal(new Dictionary<string, int> { ["64x48"] = created.Version.SampleCount }, details.ImageSizes);
    }

    [Fact]
    public async Task CheckoutRefusesANonEmptyFolder()
    {
        await using var host = await AppHost.StartAsync();
        var folder = VersionedDatasets.Synth(host, "main");
        await host.SendAsync(new CreateDatasetVersionCommand("captions", folder));

        var e = await Assert.ThrowsAsync<ValidationException>(() => host.SendAsync(new CheckoutDatasetVersionCommand("captions", 1, folder)));
        Assert.Contains(e.Errors, f => f.PropertyName == "output" && f.ErrorMessage.Contains("not an empty folder"));
    }

    [Fact]
    public async Task ATamperedImageBlobIsDetectedOnCheckoutNamingBlobAndSample()
    {
        await using var host = await AppHost.StartAsync();
        var folder = VersionedDatasets.Synth(host, "main");
        var created = await host.SendAsync(new CreateDatasetVersionCommand("captions", folder));
        var lineage = await host.SendAsync(new DatasetLineageQuery("captions", 1));
        var victim = lineage.Blobs.First(b => b.Uses.Any(u => u.EndsWith("/frame2")));
        var sample = victim.Uses.First(u => u.EndsWith("/frame2")).Split('/')[0];

        var store = VersionedDatasets.Store(host);
        var path = store.PathOf(victim.Sha);
        var bytes = File.ReadAllBytes(path);
        bytes[^5] ^= 0xFF;
        File.WriteAllBytes(path, bytes);

        var output = Path.Combine(host.DataFolder, "checkouts", "tampered");
        var e = await Assert.ThrowsAsync<CorruptBlobException>(() => host.SendAsync(new CheckoutDatasetVersionCommand("captions", 1, output)));
        Assert.Equal(victim.Sha, e.Sha);
        Assert.Contains(victim.Sha, e.Message);
        Assert.Contains($"sample '{sample}'", e.Message);
        Assert.False(Directory.Exists(output)); // nothing half-written left behind
        Assert.Equal(created.Version.Id, (await host.SendAsync(new ListDatasetVersionsQuery("captions"))).Single().Id);
    }

    [Fact]
    public async Task ATamperedVersionManifestIsDetected()
    {
        await using var host = await AppHost.StartAsync();
        var folder = VersionedDatasets.Synth(host, "main");
        var created = await host.SendAsync(new CreateDatasetVersionCommand("captions", folder));

        // Relabel a sample inside the stored version manifest, keeping valid JSON: the hash must catch it.
        var path = VersionedDatasets.Store(host).PathOf(created.Version.ManifestBlob);
        var text = File.ReadAllText(path);
        var relabelled = text.Replace("\"label\": \"same\"", "\"label\": \"different\"");
        Assert.NotEqual(text, relabelled);
        File.WriteAllText(path, relabelled);

        var get = await Assert.ThrowsAsync<CorruptBlobException>(() => host.SendAsync(new GetDatasetVersionQuery("captions", 1)));
        Assert.Contains(created.Version.ManifestBlob, get.Message);
        var output = Path.Combine(host.DataFolder, "checkouts", "tampered");
        await Assert.ThrowsAsync<CorruptBlobException>(() => host.SendAsync(new CheckoutDatasetVersionCommand("captions", 1, output)));
    }

    [Fact]
    public async Task VerifyReportsEveryDamagedBlobWithItsUsers()
    {
        await using var host = await AppHost.StartAsync();
        var folder = VersionedDatasets.Synth(host, "main");
        await host.SendAsync(new CreateDatasetVersionCommand("captions", folder));
        Assert.True((await host.SendAsync(new VerifyDatasetVersionQuery("captions", 1))).Intact);

        var lineage = await host.SendAsync(new DatasetLineageQuery("captions", 1));
        var images = lineage.Blobs.Where(b => b.Uses.Any(u => u.Contains('/'))).ToList();
        var store = VersionedDatasets.Store(host);
        File.AppendAllText(store.PathOf(images[0].Sha), "tampered");
        File.Delete(store.PathOf(images[1].Sha));

        var result = await host.SendAsync(new VerifyDatasetVersionQuery("captions", 1));
        Assert.False(result.Intact);
        Assert.Equal(lineage.Blobs.Count, result.BlobsChecked);
        Assert.Equal(new[] { images[0].Sha, images[1].Sha }.Order(), result.Problems.Select(p => p.Sha).Order());
        Assert.Contains(result.Problems, p => p.Problem.Contains("corrupt") && p.UsedBy.SequenceEqual(images[0].Uses));
        Assert.Contains(result.Problems, p => p.Problem.Contains("missing") && p.UsedBy.SequenceEqual(images[1].Uses));
    }
}
