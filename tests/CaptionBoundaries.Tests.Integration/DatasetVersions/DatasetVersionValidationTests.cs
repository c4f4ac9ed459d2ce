using CaptionBoundaries.Application.Features.DatasetVersions;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Tests.Support;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Tests.DatasetVersions;

public sealed class DatasetVersionValidationTests
{
    [Fact]
    public async Task BadRequestsNameTheField()
    {
        await using var host = await AppHost.StartAsync();
        var folder = VersionedDatasets.Synth(host, "main");

        static async Task<string[]> Fields(Func<Task> send) =>
            (await Assert.ThrowsAsync<ValidationException>(send)).Errors.Select(e => e.PropertyName).Distinct().ToArray();

        Assert.Equal(["name"], await Fields(() => host.SendAsync(new CreateDatasetVersionCommand("../escape", folder))));
        Assert.Equal(["folder"], await Fields(() => host.SendAsync(new CreateDatasetVersionCommand("captions", Path.Combine(folder, "missing")))));
        Assert.Equal(["folder"], await Fields(() => host.SendAsync(new CreateDatasetVersionCommand("captions", Path.Combine(folder, "images")))));
        Assert.Equal(["message"], await Fields(() => host.SendAsync(new CreateDatasetVersionCommand("captions", folder, new string('x', 2001)))));
        Assert.Equal(["version"], await Fields(() => host.SendAsync(new CheckoutDatasetVersionCommand("captions", 0, Path.Combine(folder, "out")))));
        Assert.Equal(["name", "version"], await Fields(() => host.SendAsync(new GetDatasetVersionQuery())));
        Assert.Equal(["sha"], await Fields(() => host.SendAsync(new BlobVersionsQuery("XYZ"))));
    }

    [Fact]
    public async Task UnknownDatasetsAndVersionsAreNamed()
    {
        await using var host = await AppHost.StartAsync();
        var folder = VersionedDatasets.Synth(host, "main");
        await host.SendAsync(new CreateDatasetVersionCommand("captions", folder));

        var dataset = await Refused.As(DomainErrorKind.NotFound, () => host.SendAsync(new ListDatasetVersionsQuery("nope")));
        Assert.Contains("'nope'", dataset.Message);
        var version = await Refused.As(DomainErrorKind.NotFound, () => host.SendAsync(new DatasetLineageQuery("captions", 7)));
        Assert.Contains("no version 7", version.Message);
        Assert.Contains("latest is 1", version.Message);
        await Refused.As(DomainErrorKind.NotFound, () =>
            host.SendAsync(new CheckoutDatasetVersionCommand("nope", 1, Path.Combine(host.DataFolder, "out"))));
    }

    [Fact]
    public async Task ABrokenDatasetIsRefusedBeforeAnythingIsStored()
    {
        await using var host = await AppHost.StartAsync();
        var folder = VersionedDatasets.Synth(host, "main");
        File.Delete(VersionedDatasets.ImagePath(folder, 3, "ocr_viz"));

        var e = await Assert.ThrowsAsync<DatasetFormatException>(() => host.SendAsync(new CreateDatasetVersionCommand("captions", folder)));
        Assert.Equal("ocr_viz", e.Field);
        Assert.Empty(VersionedDatasets.Store(host).Enumerate());
        Assert.Equal(0, await host.QueryDb(db => db.Datasets.CountAsync()));
    }
}
