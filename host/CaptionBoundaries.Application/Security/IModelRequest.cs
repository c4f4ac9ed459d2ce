using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
namespace CaptionBoundaries.Application.Security;

/// <summary>A request about one served model: refused as "not found" when the model is private to someone else.</summary>
public interface IModelRequest
{
    string? Model { get; }
}
