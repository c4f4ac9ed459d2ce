using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Tests.Support;

namespace CaptionBoundaries.Tests.Datasets;

/// <summary>One small generated dataset shared by the tests of a class (generation is the slow part).</summary>
public sealed class SyntheticDatasetFixture : IDisposable
{
    private readonly TempFolder _temp = new();

    public SyntheticDatasetFixture()
    {
        Folder = _temp.Combine("dataset");
        Manifest = SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { OutputFolder = Folder, SamplesPerClass = 4, Seed = 7 });
    }

    public string Folder { get; }

    public DatasetManifest Manifest { get; }

    /// <summary>Copies the dataset to a fresh folder that a test may modify.</summary>
    public string CopyTo(TempFolder temp)
    {
        var target = temp.Combine("copy");
        foreach (var file in Directory.GetFiles(Folder, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(Folder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
        return target;
    }

    public void Dispose() => _temp.Dispose();
}
