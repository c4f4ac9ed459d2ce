using CaptionBoundaries.Host.Api.InferenceProtocol;

namespace CaptionBoundaries.Host.Api;

/// <summary>
/// The error answers an endpoint declares besides its result, so the OpenAPI document (/openapi/v1.json) lists them.
/// <see cref="ApiExceptionHandler"/> writes them: 400 is a validation problem (each field named, or the detail of input
/// that cannot be used), the others plain problem details (403 role or ownership, 404 not found or someone else's
/// private model, 409 refused by the current state, 413 too large, 503 busy or recovering).
/// </summary>
public static class ApiResponses
{
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder endpoint, params int[] statuses)
    {
        foreach (var status in statuses)
            endpoint = status == StatusCodes.Status400BadRequest ? endpoint.ProducesValidationProblem() : endpoint.ProducesProblem(status);
        return endpoint;
    }

    /// <summary>Under /v2 the same statuses carry the protocol's <c>{"error": …}</c> instead (<see cref="InferenceErrorWriter"/>).</summary>
    public static RouteHandlerBuilder ProducesProtocolErrors(this RouteHandlerBuilder endpoint, params int[] statuses)
    {
        foreach (var status in statuses) endpoint = endpoint.Produces<InferenceJson.Error>(status, "application/json");
        return endpoint;
    }

    /// <summary>
    /// Every endpoint of a group that needs an account may answer 401, and every one 429 (the group's rate limit); the
    /// anonymous ones (health probes) are not said to need an account.
    /// </summary>
    public static TBuilder ProducesAccountAndRateLimitProblems<TBuilder>(this TBuilder group) where TBuilder : IEndpointConventionBuilder
    {
        group.Finally(endpoint =>
        {
            if (!endpoint.Metadata.OfType<Microsoft.AspNetCore.Authorization.IAllowAnonymous>().Any())
                endpoint.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]));
            endpoint.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status429TooManyRequests, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]));
        });
        return group;
    }
}
