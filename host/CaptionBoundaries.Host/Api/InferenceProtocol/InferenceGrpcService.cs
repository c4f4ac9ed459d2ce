using System.Globalization;
using CaptionBoundaries.Application.Features.Cluster;
using CaptionBoundaries.Application.Features.Serving;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Host.Server.Security;
using FluentValidation.Results;
using Google.Protobuf;
using Grpc.Core;
using Inference;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;

namespace CaptionBoundaries.Host.Api.InferenceProtocol;

/// <summary>
/// The Open Inference Protocol over gRPC (KServe's grpc_predict_v2.proto), the same use cases as the REST routes: the
/// same Mediator requests, tensor checks and answers. Callers authenticate with <c>authorization: Bearer …</c> metadata;
/// the health calls are open. Inputs come as typed contents (fp32_contents, bytes_contents) or raw_input_contents
/// (little-endian FP32; BYTES elements 4-byte length-prefixed); a request with raw inputs gets raw_output_contents back.
/// </summary>
[EnableRateLimiting(SecuritySetup.RateLimitPolicy)]
public sealed class InferenceGrpcService(IMediator mediator, LimitsOptions limits) : GRPCInferenceService.GRPCInferenceServiceBase
{
    [AllowAnonymous]
    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    [AllowAnonymous]
    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        GrpcErrors.Run(async () =>
            new ServerReadyResponse { Ready = (await mediator.Send(new GetLivenessQuery(), context.CancellationToken)).Status == Liveness.Healthy });

    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context)
    {
        var response = new ServerMetadataResponse { Name = InferenceProtocolEndpoints.ServerName, Version = InferenceProtocolEndpoints.ServerVersion };
        response.Extensions.AddRange(InferenceProtocolEndpoints.Extensions);
        return Task.FromResult(response);
    }

    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context) =>
        GrpcErrors.Run(async () => new ModelReadyResponse
        {
            Ready = (await mediator.Send(new GetServingMetadataQuery(request.Name, Version(request.Name, request.Version)), context.CancellationToken)).Ready,
        });

    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context) =>
        GrpcErrors.Run(async () =>
        {
            var wire = InferenceProtocolEndpoints.ToWire(
                await mediator.Send(new GetServingMetadataQuery(request.Name, Version(request.Name, request.Version)), context.CancellationToken));
            var response = new ModelMetadataResponse { Name = wire.Name, Platform = wire.Platform };
            response.Versions.AddRange(wire.Versions);
            response.Inputs.AddRange(wire.Inputs.Select(Tensor));
            response.Outputs.AddRange(wire.Outputs.Select(Tensor));
            return response;
        });

    [EnableRateLimiting(SecuritySetup.ServingRateLimitPolicy)]
    public override Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context) =>
        GrpcErrors.Run(async () =>
        {
            var raw = request.RawInputContents.Count > 0;
            var inputs = Inputs(request);
            var outputs = request.Outputs.Count == 0 ? null : request.Outputs.Select(o => new RequestedOutput(o.Name, raw)).ToList();
            TensorMapping.CheckOutputs(outputs);
            var samples = TensorMapping.ToSamples(inputs, limits.MaxPredictSamples);
            var options = new PredictOptions(Version(request.ModelName, request.ModelVersion), RoutingKey(request));
            var batch = await mediator.Send(new PredictCommand(request.ModelName, samples, options, Batch: samples.Length > 1), context.CancellationToken);

            var response = new ModelInferResponse
            {
                ModelName = batch.Model,
                ModelVersion = batch.Version.ToString(CultureInfo.InvariantCulture),
                Id = request.Id,
            };
            foreach (var output in TensorMapping.Outputs(batch, outputs, raw))
            {
                var tensor = new ModelInferResponse.Types.InferOutputTensor { Name = output.Name, Datatype = output.Datatype };
                tensor.Shape.AddRange(output.Shape);
                if (raw)
                {
                    response.RawOutputContents.Add(ByteString.CopyFrom(InferenceResponseWriter.Binary(output)));
                }
                else
                {
                    tensor.Contents = new InferTensorContents();
                    if (output.Fp32 is { } values) tensor.Contents.Fp32Contents.AddRange(values);
                    else tensor.Contents.BytesContents.AddRange(output.Strings!.Select(ByteString.CopyFromUtf8));
                }
                response.Outputs.Add(tensor);
            }
            return response;
        });

    private static ModelMetadataResponse.Types.TensorMetadata Tensor(InferenceJson.MetadataTensor t)
    {
        var tensor = new ModelMetadataResponse.Types.TensorMetadata { Name = t.Name, Datatype = t.Datatype };
        tensor.Shape.AddRange(t.Shape);
        return tensor;
    }

    /// <summary>An empty version lets the server choose (the model's route), as the protocol says.</summary>
    private static int? Version(string model, string version) =>
        string.IsNullOrEmpty(version) ? null : InferenceProtocolEndpoints.VersionNumber(model, version);

    private static string? RoutingKey(ModelInferRequest request)
    {
        if (!request.Parameters.TryGetValue(InferenceRequestReader.RoutingKey, out var key)) return null;
        var field = "parameters." + InferenceRequestReader.RoutingKey;
        if (key.ParameterChoiceCase != InferParameter.ParameterChoiceOneofCase.StringParam)
            throw GrpcErrors.Invalid(field, $"Parameter '{InferenceRequestReader.RoutingKey}' must be a string_param.");
        return key.StringParam.Length <= InferenceRequestReader.MaxRoutingKeyLength
            ? key.StringParam
            : throw GrpcErrors.Invalid(field, $"Parameter '{InferenceRequestReader.RoutingKey}' has {key.StringParam.Length:N0} characters; at most {InferenceRequestReader.MaxRoutingKeyLength} are accepted.");
    }

    private static List<InferTensor> Inputs(ModelInferRequest request)
    {
        var failures = new List<ValidationFailure>();
        void Fail(string field, string message) => failures.Add(new ValidationFailure(field, message));
        var raw = request.RawInputContents;
        if (raw.Count > 0 && raw.Count != request.Inputs.Count)
            Fail("raw_input_contents", $"raw_input_contents has {raw.Count} entries for {request.Inputs.Count} inputs: one per input, in input order.");
        var tensors = new List<InferTensor>();
        for (var i = 0; i < request.Inputs.Count && failures.Count == 0; i++)
        {
            var input = request.Inputs[i];
            var name = input.Name is { Length: > 0 } n ? n : $"inputs[{i}]";
            if (input.Datatype is not (ModelSignature.Fp32 or ModelSignature.Bytes))
            {
                Fail(name, $"Input '{name}' has datatype '{input.Datatype}'; inputs here are FP32 or BYTES.");
                continue;
            }
            var contents = input.Contents;
            var otherContents = contents is not null && (contents.BoolContents.Count + contents.IntContents.Count + contents.Int64Contents.Count
                + contents.UintContents.Count + contents.Uint64Contents.Count + contents.Fp64Contents.Count > 0
                || (input.Datatype == ModelSignature.Fp32 ? contents.BytesContents.Count : contents.Fp32Contents.Count) > 0);
            if (otherContents)
            {
                Fail(name, $"Input '{name}' is {input.Datatype}: its values go in {(input.Datatype == ModelSignature.Fp32 ? "fp32_contents" : "bytes_contents")}.");
                continue;
            }
            if (raw.Count > 0)
            {
                if (contents is not null && (contents.Fp32Contents.Count > 0 || contents.BytesContents.Count > 0))
                    Fail(name, $"Input '{name}' has contents although raw_input_contents is used; send one or the other.");
                else if (InferenceRequestReader.FromBinary(name, input.Datatype, [.. input.Shape], raw[i].Memory, Fail) is { } tensor)
                    tensors.Add(tensor);
                continue;
            }
            tensors.Add(input.Datatype == ModelSignature.Fp32
                ? new InferTensor(name, input.Datatype, [.. input.Shape], Fp32: contents?.Fp32Contents.ToArray() ?? [])
                : new InferTensor(name, input.Datatype, [.. input.Shape], Bytes: contents?.BytesContents.Select(b => b.ToByteArray()).ToArray() ?? []));
        }
        if (request.Inputs.Count == 0) Fail("inputs", "The request has no inputs.");
        if (failures.Count > 0) throw new FluentValidation.ValidationException(failures);
        return tensors;
    }
}
