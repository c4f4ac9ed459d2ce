using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Registry;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Registry;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Registry;

/// <summary>The registry's records of a model: its versions (with source, hash, inference config) and every change.</summary>
[RequiresRole(Roles.Viewer)]
public sealed record GetModelRegistryQuery(string Model) : IModelRequest, IQuery<ModelRegistryRecords>;

public sealed record ModelRegistryRecords(string Model, IReadOnlyList<RegisteredModelVersion> Versions, IReadOnlyList<ModelChange> Changes);

public sealed class GetModelRegistryValidator : AbstractValidator<GetModelRegistryQuery>
{
    public GetModelRegistryValidator() => RuleFor(q => q.Model).MustBeModelName().OverridePropertyName("model");
}

public sealed class GetModelRegistryHandler(TrackingDbContext db) : IQueryHandler<GetModelRegistryQuery, ModelRegistryRecords>
{
    public async ValueTask<ModelRegistryRecords> Handle(GetModelRegistryQuery query, CancellationToken ct)
    {
        var versions = await db.ModelVersions.AsNoTracking().Where(v => v.ModelName == query.Model).OrderBy(v => v.Version).ToListAsync(ct);
        if (versions.Count == 0) throw DomainException.NotFound($"No model named '{query.Model}' is registered.");
        var changes = await db.ModelChanges.AsNoTracking().Where(c => c.ModelName == query.Model).OrderBy(c => c.Id).ToListAsync(ct);
        return new ModelRegistryRecords(query.Model, versions, changes);
    }
}
