using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.Datasets;

/// <summary>A page of a dataset's samples with their image bytes, optionally of one label, for browsing.</summary>
[RequiresRole(Roles.Viewer)]
public sealed record GetDatasetSamplesQuery(string Folder, string? Label = null, int Skip = 0, int Take = 12) : IQuery<DatasetSamplePage>;

public sealed record DatasetSamplePage(int Total, IReadOnlyList<DatasetSampleImages> Samples);

public sealed record DatasetSampleImages(string Id, string Split, string Label, SampleImage Frame1, SampleImage Frame2, SampleImage OcrViz);

public sealed record SampleImage(string ContentType, byte[] Bytes);

public sealed class GetDatasetSamplesValidator : AbstractValidator<GetDatasetSamplesQuery>
{
    public GetDatasetSamplesValidator()
    {
        RuleFor(q => q.Folder).NotEmpty().OverridePropertyName("dataset");
        RuleFor(q => q.Skip).GreaterThanOrEqualTo(0).OverridePropertyName("skip");
        RuleFor(q => q.Take).InclusiveBetween(1, 100).OverridePropertyName("take");
    }
}

public sealed class GetDatasetSamplesHandler(CaptionBoundariesOptions options) : IQueryHandler<GetDatasetSamplesQuery, DatasetSamplePage>
{
    public ValueTask<DatasetSamplePage> Handle(GetDatasetSamplesQuery query, CancellationToken ct)
    {
        var folder = DatasetFolders.Resolve(options, query.Folder);
        var manifest = DatasetManifest.Parse(BoundedFile.ReadAllBytes(DatasetManifest.ManifestPath(folder), InputLimits.MaxManifestBytes, "Dataset manifest"));
        var matching = manifest.Samples.Where(s => query.Label is null || s.Label == query.Label).ToList();
        var page = new List<DatasetSampleImages>();
        foreach (var s in matching.Skip(query.Skip).Take(query.Take))
        {
            SampleImage Read(string field, string relative)
            {
                var path = DatasetManifest.ResolveImagePath(folder, s, field, relative);
                return new SampleImage(ContentType(path), BoundedFile.ReadAllBytes(path, InputLimits.MaxImageBytes, "Image"));
            }
            page.Add(new DatasetSampleImages(s.Id, s.Split, s.Label,
                Read("frame1", s.Frame1), Read("frame2", s.Frame2), Read("ocr_viz", s.OcrViz)));
        }
        return ValueTask.FromResult(new DatasetSamplePage(matching.Count, page));
    }

    private static string ContentType(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".jpg" or ".jpeg" => "image/jpeg",
        ".bmp" => "image/bmp",
        ".gif" => "image/gif",
        _ => "image/png",
    };
}
