using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using Mediator;

namespace CaptionBoundaries.Application.Features.Datasets;

/// <summary>The dataset folders under {DataFolder}/datasets with their class distribution; a broken manifest is listed with its error.</summary>
[RequiresRole(Roles.Viewer)]
public sealed record ListDatasetsQuery : IQuery<IReadOnlyList<DatasetSummary>>;

/// <summary><see cref="TrainCounts"/> and <see cref="ValidationCounts"/> are indexed like <see cref="TaskSpec.Classes"/>.</summary>
public sealed record DatasetSummary(
    string Name, string Folder, int Samples, int ImageWidth, int ImageHeight,
    IReadOnlyList<int> TrainCounts, IReadOnlyList<int> ValidationCounts, string? Error);

public sealed class ListDatasetsHandler(CaptionBoundariesOptions options) : IQueryHandler<ListDatasetsQuery, IReadOnlyList<DatasetSummary>>
{
    public ValueTask<IReadOnlyList<DatasetSummary>> Handle(ListDatasetsQuery query, CancellationToken cancellationToken)
    {
        var root = DatasetFolders.Root(options);
        if (!Directory.Exists(root)) return ValueTask.FromResult<IReadOnlyList<DatasetSummary>>([]);
        var list = Directory.EnumerateDirectories(root)
            .Where(d => File.Exists(DatasetManifest.ManifestPath(d)))
            .OrderBy(d => d, StringComparer.Ordinal)
            .Select(Summarize)
            .ToList();
        return ValueTask.FromResult<IReadOnlyList<DatasetSummary>>(list);
    }

    private static DatasetSummary Summarize(string folder)
    {
        var empty = new int[TaskSpec.ClassCount];
        try
        {
            // Parse only (no image reads): listing stays fast on large datasets.
            var manifest = DatasetManifest.Parse(File.ReadAllBytes(DatasetManifest.ManifestPath(folder)));
            int[] Count(string split)
            {
                var counts = new int[TaskSpec.ClassCount];
                foreach (var s in manifest.Samples.Where(s => s.Split == split)) counts[TaskSpec.ClassIndex(s.Label)]++;
                return counts;
            }
            return new DatasetSummary(manifest.Name, folder, manifest.Samples.Count, manifest.ImageWidth, manifest.ImageHeight,
                Count(DatasetSplit.Train), Count(DatasetSplit.Validation), null);
        }
        catch (DatasetFormatException e)
        {
            return new DatasetSummary(Path.GetFileName(folder), folder, 0, 0, 0, empty, empty, e.Message);
        }
    }
}
