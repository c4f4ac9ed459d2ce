using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.DatasetVersions;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.DatasetVersions;

/// <summary>One version, by id or by dataset name and number, with the metadata from its (verified) manifest blob.</summary>
[RequiresRole(Roles.Viewer)]
public sealed record GetDatasetVersionQuery(string? Name = null, int? Version = null, Guid? Id = null) : IQuery<DatasetVersionDetails>;

public sealed record DatasetVersionDetails(
    DatasetVersionSummary Summary,
    string SourceManifestBlob,
    IReadOnlyDictionary<string, int> ImageSizes);

public sealed class GetDatasetVersionValidator : AbstractValidator<GetDatasetVersionQuery>
{
    public GetDatasetVersionValidator()
    {
        RuleFor(q => q.Name!).MustBeDatasetName().When(q => q.Id is null).OverridePropertyName("name");
        RuleFor(q => q.Version).NotNull().GreaterThanOrEqualTo(1).When(q => q.Id is null).OverridePropertyName("version");
        RuleFor(q => q.Id).Must(id => id != Guid.Empty).When(q => q.Id is not null).WithMessage("The id is empty.").OverridePropertyName("id");
    }
}

public sealed class GetDatasetVersionHandler(TrackingDbContext db, BlobStore store) : IQueryHandler<GetDatasetVersionQuery, DatasetVersionDetails>
{
    public async ValueTask<DatasetVersionDetails> Handle(GetDatasetVersionQuery query, CancellationToken cancellationToken)
    {
        var record = query.Id is { } id
            ? await DatasetVersionLookup.Find(db, id, cancellationToken)
            : await DatasetVersionLookup.Find(db, query.Name!, query.Version!.Value, cancellationToken);
        var (version, _, _) = DatasetCheckout.ReadVersion(store, record.ManifestBlob);
        return new DatasetVersionDetails(DatasetVersionSummary.From(record), version.SourceManifest, version.ImageSizes);
    }
}
