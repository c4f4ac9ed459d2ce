using System.Security.Cryptography;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Infrastructure.DatasetVersions;
using CaptionBoundaries.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.DatasetVersions;

/// <summary>Small synthetic datasets and edits to them, for the dataset versioning tests.</summary>
public static class VersionedDatasets
{
    public static string Synth(AppHost host, string name, int seed = 3, int samplesPerClass = 4)
    {
        var folder = Path.Combine(host.DataFolder, "work", name);
        SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions
        {
            OutputFolder = folder,
            SamplesPerClass = samplesPerClass,
            Seed = seed,
            Width = 64,
            Height = 48,
            ValidationFraction = 0.25,
        }, null);
        return folder;
    }

    public static BlobStore Store(AppHost host) => host.Services.GetRequiredService<BlobStore>();

    public static int StoredBlobCount(AppHost host) => Store(host).Enumerate().Count();

    public static int DistinctImageContents(string folder)
    {
        var manifest = DatasetManifest.Load(folder);
        return manifest.Samples.SelectMany(DatasetManifest.ImageFields)
            .Select(f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, f.Path)))))
            .Distinct().Count();
    }

    public static string ImagePath(string folder, int sample, string field = "frame1")
    {
        var s = DatasetManifest.Load(folder).Samples[sample];
        var rel = DatasetManifest.ImageFields(s).Single(f => f.Field == field).Path;
        return Path.Combine(folder, rel);
    }

    /// <summary>Moves one image to another folder and points the manifest at the new path: same content, new layout.</summary>
    public static void MoveImage(string folder, int sample)
    {
        var manifest = DatasetManifest.Load(folder);
        var s = manifest.Samples[sample];
        var moved = "moved/" + Path.GetFileName(s.Frame1);
        Directory.CreateDirectory(Path.Combine(folder, "moved"));
        File.Move(Path.Combine(folder, s.Frame1), Path.Combine(folder, moved));
        var samples = manifest.Samples.ToList();
        samples[sample] = s with { Frame1 = moved };
        (manifest with { Samples = samples }).Save(folder);
    }

    public static void Age(string path, TimeSpan age) => File.SetLastWriteTimeUtc(path, DateTime.UtcNow - age);
}
