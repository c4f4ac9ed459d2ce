using System.Globalization;
using System.Reflection;
using CaptionBoundaries.Application.Features.Cluster;
using CaptionBoundaries.Application.Features.Serving;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Host.Api.InferenceProtocol;
using CaptionBoundaries.Host.Server.Security;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using static Microsoft.AspNetCore.Http.StatusCodes;

namespace CaptionBoundaries.Host.Api;

/// <summary>
/// The Open Inference Protocol (KServe predict protocol v2, as Triton speaks it) over REST, at the root as clients
/// expect it: health, server and model metadata, model readiness and inference, with the binary tensor data extension.
/// Everything goes through the same Mediator requests as /api (roles, private models answer 404 to others, rate
/// limits, prediction logging); errors are the protocol's <c>{"error": …}</c> (<see cref="InferenceErrorWriter"/>).
/// See docs/serving-v2.md.
/// </summary>
public static class InferenceProtocolEndpoints
{
    public const string Prefix = "/v2";
    public const string ServerName = "caption-boundaries";

    /// <summary>Triton's name for the binary tensor data extension, which clients look for in the server metadata.</summary>
    public static readonly IReadOnlyList<string> Extensions = ["binary_tensor_data"];

    /// <summary>Informational: the protocol's platform names are "&lt;project&gt;_&lt;format&gt;".</summary>
    public const string Platform = "torchsharp_checkpoint";

    public static string ServerVersion { get; } =
        typeof(InferenceProtocolEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static IEndpointRouteBuilder MapInferenceProtocol(this IEndpointRouteBuilder app)
    {
        // As under /api: an account for everything but the health probes, and the API budget for the cheap reads.
        var v2 = app.MapGroup(Prefix).RequireAuthorization().RequireRateLimiting(SecuritySetup.RateLimitPolicy).WithTags("Open Inference Protocol");

        v2.MapGet("", () => TypedResults.Json(new InferenceJson.ServerMetadata(ServerName, ServerVersion, Extensions), InferenceJson.Options))
            .WithSummary("Server metadata: name, version, extensions.");

        // Probes (Kubernetes, load balancers) carry no token: status only, as GET /api/health.
        v2.MapGet("/health/live", () => TypedResults.Json(new InferenceJson.ServerLive(true), InferenceJson.Options))
            .AllowAnonymous().WithSummary("200 while the server answers.");
        v2.MapGet("/health/ready", async (IMediator m, CancellationToken ct) =>
        {
            var live = await m.Send(new GetLivenessQuery(), ct);
            return live.Status == Liveness.Healthy
                ? TypedResults.Json(new InferenceJson.ServerReady(true), InferenceJson.Options)
                : TypedResults.Json(new InferenceJson.ServerReady(false, $"The server is {live.Status} (database reachable: {live.DatabaseReachable})."),
                    InferenceJson.Options, statusCode: StatusCodes.Status400BadRequest);
        }).AllowAnonymous().WithSummary("200 when the database answers and every plugin loaded, else 400 (the protocol's \"false\").");

        v2.MapGet("/models/{model}", (string model, IMediator m, CancellationToken ct) => Metadata(model, null, m, ct))
            .WithSummary("Model metadata: servable versions, inputs and outputs (H and W of the active version).")
            .ProducesProtocolErrors(Status400BadRequest, Status404NotFound);
        v2.MapGet("/models/{model}/versions/{version}", (string model, string version, IMediator m, CancellationToken ct) =>
                Metadata(model, VersionNumber(model, version), m, ct))
            .WithSummary("Model metadata of one version (H and W from its checkpoint).")
            .ProducesProtocolErrors(Status400BadRequest, Status404NotFound);
        v2.MapGet("/models/{model}/ready", (string model, IMediator m, CancellationToken ct) => Ready(model, null, m, ct))
            .WithSummary("200 when the model serves a version, else 400.")
            .Produces<InferenceJson.ModelReady>(Status400BadRequest)
            .ProducesProtocolErrors(Status404NotFound);
        v2.MapGet("/models/{model}/versions/{version}/ready", (string model, string version, IMediator m, CancellationToken ct) =>
                Ready(model, VersionNumber(model, version), m, ct))
            .WithSummary("200 when this version would answer a request naming it, else 400; archived or unknown: 404.")
            .Produces<InferenceJson.ModelReady>(Status400BadRequest)
            .ProducesProtocolErrors(Status404NotFound);

        v2.MapPost("/models/{model}/infer", (string model, HttpContext http, LimitsOptions limits, IMediator m, CancellationToken ct) =>
                Infer(model, null, http, limits, m, ct))
            .WithSummary("Inference, answered by the model's route (a routing_key parameter keeps a client on one route).")
            .AcceptsPredictionBodies()
            .ProducesProtocolErrors(InferenceErrors)
            .RequireRateLimiting(SecuritySetup.ServingRateLimitPolicy);
        v2.MapPost("/models/{model}/versions/{version}/infer", (string model, string version, HttpContext http, LimitsOptions limits, IMediator m, CancellationToken ct) =>
                Infer(model, VersionNumber(model, version), http, limits, m, ct))
            .WithSummary("Inference answered by exactly this version (not archived).")
            .AcceptsPredictionBodies()
            .ProducesProtocolErrors(InferenceErrors)
            .RequireRateLimiting(SecuritySetup.ServingRateLimitPolicy);
        return app;
    }

    /// <summary>A tensor the request gets wrong, an unknown (or someone else's private) model or version, too large, busy or recovering.</summary>
    private static readonly int[] InferenceErrors = [Status400BadRequest, Status404NotFound, Status413PayloadTooLarge, Status503ServiceUnavailable];

    private static async Task<JsonHttpResult<InferenceJson.ModelMetadata>> Metadata(string model, int? version, IMediator m, CancellationToken ct) =>
        TypedResults.Json(ToWire(await m.Send(new GetServingMetadataQuery(model, version), ct)), InferenceJson.Options);

    public static InferenceJson.ModelMetadata ToWire(ServingMetadata metadata) => new(
        metadata.Model,
        metadata.Versions.Select(v => v.ToString(CultureInfo.InvariantCulture)).ToList(),
        Platform,
        ModelSignature.Inputs(metadata.ImageHeight, metadata.ImageWidth).Select(t => new InferenceJson.MetadataTensor(t.Name, t.Datatype, t.Shape)).ToList(),
        ModelSignature.Outputs.Select(t => new InferenceJson.MetadataTensor(t.Name, t.Datatype, t.Shape)).ToList());

    private static async Task<JsonHttpResult<InferenceJson.ModelReady>> Ready(string model, int? version, IMediator m, CancellationToken ct)
    {
        var metadata = await m.Send(new GetServingMetadataQuery(model, version), ct);
        return metadata.Ready
            ? TypedResults.Json(new InferenceJson.ModelReady(model, true), InferenceJson.Options)
            : TypedResults.Json(new InferenceJson.ModelReady(model, false, NotReadyReason(model)), InferenceJson.Options, statusCode: StatusCodes.Status400BadRequest);
    }

    public static string NotReadyReason(string model) =>
        $"Model '{model}' serves no version yet: switch one on (or set its production alias).";

    private static async Task<IResult> Infer(string model, int? version, HttpContext http, LimitsOptions limits, IMediator m, CancellationToken ct)
    {
        var request = await InferenceRequestReader.ReadAsync(http.Request, limits.MaxPredictBodyMegabytes * 1024L * 1024L, ct);
        TensorMapping.CheckOutputs(request.Outputs);
        var samples = TensorMapping.ToSamples(request.Inputs, limits.MaxPredictSamples);
        var batch = await m.Send(new PredictCommand(model, samples, new PredictOptions(version, request.RoutingKey), Batch: samples.Length > 1), ct);
        return InferenceResponseWriter.Write(http, request.Id, batch, TensorMapping.Outputs(batch, request.Outputs, request.BinaryOutput));
    }

    /// <summary>Versions are whole numbers here; any other text names no version of any model (404, whether or not the model exists).</summary>
    public static int VersionNumber(string model, string version) =>
        int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw DomainException.NotFound($"Model '{model}' has no version '{version}': versions are whole numbers from 1.");
}
