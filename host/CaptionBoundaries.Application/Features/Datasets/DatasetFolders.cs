using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Errors;

namespace CaptionBoundaries.Application.Features.Datasets;

/// <summary>Where datasets live, and the one way to turn a dataset's folder name into a path inside it.</summary>
public static class DatasetFolders
{
    public static string Root(CaptionBoundariesOptions options) => Path.Combine(options.ResolvedDataFolder, "datasets");

    /// <summary>Refuses names that would leave the datasets folder (the name comes from a URL).</summary>
    public static string Resolve(CaptionBoundariesOptions options, string folderName)
    {
        if (string.IsNullOrWhiteSpace(folderName) || folderName != Path.GetFileName(folderName) || folderName is "." or "..")
            throw DomainException.Invalid($"'{folderName}' is not a dataset folder name.");
        var folder = Path.Combine(Root(options), folderName);
        if (!Directory.Exists(folder)) throw DomainException.NotFound($"No dataset folder '{folderName}' under {Root(options)}.");
        return folder;
    }
}
