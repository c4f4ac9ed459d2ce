using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Security;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.Registry;

/// <summary>
/// Registers a checkpoint sent as the request body (multipart upload): how a client on another machine registers a
/// file of its own, instead of naming a path on the server. The bytes are staged under the data folder (capped), checked
/// and copied into the registry store like any other version, and the staged copy is removed.
/// </summary>
[RequiresRole(Roles.Researcher)]
public sealed record UploadModelVersionCommand(string Model, string FileName, Stream Content, long MaxBytes) : IModelRequest, ICommand<ModelVersionInfo>;

public sealed class UploadModelVersionValidator : AbstractValidator<UploadModelVersionCommand>
{
    public UploadModelVersionValidator()
    {
        RuleFor(c => c.Model).MustBeModelName().OverridePropertyName("model");
        RuleFor(c => c.Content).NotNull().OverridePropertyName("file");
    }
}
