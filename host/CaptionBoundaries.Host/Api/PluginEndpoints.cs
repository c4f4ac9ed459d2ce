using CaptionBoundaries.Application.Features.Plugins;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Host.Server.Security;
using CaptionBoundaries.Infrastructure.Security;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using static Microsoft.AspNetCore.Http.StatusCodes;

namespace CaptionBoundaries.Host.Api;

public static class PluginEndpoints
{
    public static void MapPluginEndpoints(this IEndpointRouteBuilder api)
    {
        // Multipart upload: a .dll or a .zip of a plugin folder. The admin role is also required by the endpoint itself
        // so nobody else gets as far as sending the body. Token-authenticated (the API takes no cookies), hence no
        // antiforgery token.
        api.MapPost("/plugins", async Task<Results<Created<PluginInstaller.Installed>, ProblemHttpResult>> (HttpRequest request, SecurityOptions limits, IMediator m, CancellationToken ct) =>
            {
                var maxBytes = limits.MaxUploadMegabytes * 1024L * 1024L;
                var (upload, problem) = await UploadForm.ReadAsync(request, maxBytes, ct);
                if (upload is not ({ } form, { } file)) return problem!;
                var name = form["name"].ToString() is { Length: > 0 } n ? n : Path.GetFileNameWithoutExtension(file.FileName);
                await using var content = file.OpenReadStream();
                var installed = await m.Send(new InstallPluginCommand(name, file.FileName, content, maxBytes,
                    bool.TryParse(form["replace"], out var replace) && replace), ct);
                return TypedResults.Created($"/api/architectures", installed);
            })
            .RequireAuthorization(p => p.RequireRole(Roles.Admin))
            .AcceptsUploads()
            .DisableAntiforgery()
            .WithTags("Plugins")
            .WithSummary("Admins: install a plugin (.dll or .zip of its folder, form fields file, name, replace); validated in isolation before it goes live.")
            .ProducesProblems(Status400BadRequest, Status403Forbidden, Status413PayloadTooLarge);
    }
}
