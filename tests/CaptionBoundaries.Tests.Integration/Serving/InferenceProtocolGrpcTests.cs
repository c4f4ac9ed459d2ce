using System.Net;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Datasets;
using Google.Protobuf;
using Grpc.Core;
using Inference;

namespace CaptionBoundaries.Tests.Serving;

/// <summary>
/// The gRPC flavour over the Serving:GrpcPort endpoint (plain-text HTTP/2, a real socket), with the .NET client generated
/// from the same KServe proto: health, metadata, readiness, inference with typed and raw contents, errors as statuses.
/// </summary>
[Collection(InferenceProtocolCollection.Name)]
public sealed class InferenceProtocolGrpcTests(InferenceProtocolFixture fx)
{
    private const string Model = InferenceProtocolFixture.Model;

    [Fact]
    public async Task Health_is_open_and_metadata_needs_a_token()
    {
        var (channel, anonymous) = fx.Grpc(null);
        using var _ = channel;
        Assert.True((await anonymous.ServerLiveAsync(new ServerLiveRequest())).Live);
        Assert.True((await anonymous.ServerReadyAsync(new ServerReadyRequest())).Ready);
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await anonymous.ServerMetadataAsync(new ServerMetadataRequest()));
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        var (forgedChannel, forged) = fx.Grpc("cbt_forged");
        using var __ = forgedChannel;
        Assert.Equal(StatusCode.Unauthenticated,
            (await Assert.ThrowsAsync<RpcException>(async () => await forged.ModelInferAsync(Request(0)))).StatusCode);

        var (viewerChannel, viewer) = fx.Grpc(fx.ViewerToken);
        using var ___ = viewerChannel;
        var server = await viewer.ServerMetadataAsync(new ServerMetadataRequest());
        Assert.Equal("caption-boundaries", server.Name);
        Assert.Contains("binary_tensor_data", server.Extensions);
    }

    [Fact]
    public async Task Model_metadata_and_readiness_match_the_rest_routes()
    {
        var (channel, viewer) = fx.Grpc(fx.ViewerToken);
        using var _ = channel;
        var metadata = await viewer.ModelMetadataAsync(new ModelMetadataRequest { Name = Model });
        Assert.Equal(["1", "2"], metadata.Versions);
        Assert.Equal(["frame1", "frame2", "ocr_viz", "spatial_features", "font_embedding", "caption_box"], metadata.Inputs.Select(i => i.Name));
        Assert.Equal([-1L, 3, 32, 32], metadata.Inputs[0].Shape);
        Assert.Equal("FP32", metadata.Inputs[0].Datatype);
        Assert.Equal(["probabilities", "predicted_class"], metadata.Outputs.Select(o => o.Name));
        Assert.Equal([-1L, 3, 40, 48], (await viewer.ModelMetadataAsync(new ModelMetadataRequest { Name = Model, Version = "2" })).Inputs[0].Shape);
        Assert.Equal(StatusCode.NotFound,
            (await Assert.ThrowsAsync<RpcException>(async () => await viewer.ModelMetadataAsync(new ModelMetadataRequest { Name = Model, Version = "3" }))).StatusCode);

        Assert.True((await viewer.ModelReadyAsync(new ModelReadyRequest { Name = Model })).Ready);
        Assert.True((await viewer.ModelReadyAsync(new ModelReadyRequest { Name = Model, Version = "2" })).Ready);
        Assert.False((await viewer.ModelReadyAsync(new ModelReadyRequest { Name = InferenceProtocolFixture.Dormant })).Ready);
        foreach (var name in new[] { InferenceProtocolFixture.Private, "no-such-model" })
        {
            var missing = await Assert.ThrowsAsync<RpcException>(async () => await viewer.ModelReadyAsync(new ModelReadyRequest { Name = name }));
            Assert.Equal(StatusCode.NotFound, missing.StatusCode);
            Assert.Equal($"No model named '{name}' is registered.", missing.Status.Detail);
        }
    }

    [Fact]
    public async Task Infer_with_typed_contents_answers_the_probabilities_of_the_model_run_in_process()
    {
        var (channel, viewer) = fx.Grpc(fx.ViewerToken);
        using var _ = channel;
        int[] samples = [2, 8];
        var request = Request(samples);
        request.Id = "grpc-1";
        request.Parameters["routing_key"] = new InferParameter { StringParam = "grpc-client" };

        var response = await viewer.ModelInferAsync(request);
        Assert.Equal(Model, response.ModelName);
        Assert.Equal("1", response.ModelVersion);
        Assert.Equal("grpc-1", response.Id);
        Assert.Empty(response.RawOutputContents);
        var probabilities = response.Outputs.Single(o => o.Name == "probabilities");
        Assert.Equal("FP32", probabilities.Datatype);
        Assert.Equal([2L, 5], probabilities.Shape);
        var classes = response.Outputs.Single(o => o.Name == "predicted_class");
        Assert.Equal("BYTES", classes.Datatype);
        Assert.Equal([2L], classes.Shape);
        for (var i = 0; i < samples.Length; i++)
        {
            var expected = fx.Reference(1, samples[i]);
            AssertClose(expected, probabilities.Contents.Fp32Contents.Skip(i * 5).Take(5).ToArray());
            Assert.Equal(TaskSpec.Classes[Array.IndexOf(expected, expected.Max())], classes.Contents.BytesContents[i].ToStringUtf8());
        }
    }

    [Fact]
    public async Task Infer_with_raw_contents_of_decoded_pixels_answers_raw_contents_of_the_version_asked_for()
    {
        var (channel, viewer) = fx.Grpc(fx.ViewerToken);
        using var _ = channel;
        int[] samples = [4, 5];
        var request = new ModelInferRequest { ModelName = Model, ModelVersion = "2" };
        foreach (var field in new[] { TaskSpec.Frame1, TaskSpec.Frame2, TaskSpec.OcrViz })
        {
            // Planar RGB in [0, 1], from the same PNG files the reference reads.
            var images = samples.Select(s => RgbImage.Load(fx.ImagePath(s, field))).ToList();
            var (h, w) = (images[0].Height, images[0].Width);
            var values = images.SelectMany(image => Enumerable.Range(0, 3).SelectMany(c =>
                Enumerable.Range(0, h * w).Select(p => image.Pixels[p * 3 + c] / 255f))).ToArray();
            request.Inputs.Add(Input(field, "FP32", samples.Length, 3, h, w));
            request.RawInputContents.Add(ByteString.CopyFrom(V2Requests.Floats(values)));
        }
        request.Inputs.Add(Input(TaskSpec.SpatialFeatures, "FP32", samples.Length, 20));
        request.RawInputContents.Add(ByteString.CopyFrom(V2Requests.Floats(samples.SelectMany(s => fx.Manifest.Samples[s].SpatialFeatures).ToArray())));
        request.Inputs.Add(Input("caption_box", "FP32", samples.Length, 4));
        request.RawInputContents.Add(ByteString.CopyFrom(V2Requests.Floats(samples.SelectMany(s => fx.Manifest.Samples[s].CaptionBox ?? [0, 0, 0, 0]).ToArray())));

        var response = await viewer.ModelInferAsync(request);
        Assert.Equal("2", response.ModelVersion);
        Assert.Equal(["probabilities", "predicted_class"], response.Outputs.Select(o => o.Name));
        Assert.Equal(2, response.RawOutputContents.Count);
        var raw = response.RawOutputContents[0].ToByteArray();
        Assert.Equal(samples.Length * 5 * 4, raw.Length);
        for (var i = 0; i < samples.Length; i++)
            AssertClose(fx.Reference(2, samples[i]), Enumerable.Range(0, 5).Select(k => BitConverter.ToSingle(raw, (i * 5 + k) * 4)).ToArray());
        // BYTES raw output: each class name preceded by its 4-byte little-endian length.
        var names = response.RawOutputContents[1].ToByteArray();
        var first = BitConverter.ToInt32(names, 0);
        Assert.Contains(System.Text.Encoding.UTF8.GetString(names, 4, first), TaskSpec.Classes);
    }

    [Fact]
    public async Task Bad_requests_are_statuses_naming_the_input_and_private_models_are_not_found()
    {
        var (channel, viewer) = fx.Grpc(fx.ViewerToken);
        using var _ = channel;

        var mismatch = Request(0);
        mismatch.Inputs.Single(i => i.Name == TaskSpec.SpatialFeatures).Contents.Fp32Contents.RemoveAt(0);
        var invalid = await Assert.ThrowsAsync<RpcException>(async () => await viewer.ModelInferAsync(mismatch));
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Contains("spatial_features", invalid.Status.Detail);

        var wrongType = Request(0);
        wrongType.Inputs[0].Datatype = "FP64";
        Assert.Contains("frame1", (await Assert.ThrowsAsync<RpcException>(async () => await viewer.ModelInferAsync(wrongType))).Status.Detail);

        var halfRaw = Request(0);
        halfRaw.RawInputContents.Add(ByteString.CopyFrom(1, 2, 3));
        Assert.Equal(StatusCode.InvalidArgument, (await Assert.ThrowsAsync<RpcException>(async () => await viewer.ModelInferAsync(halfRaw))).StatusCode);

        var archived = Request(0);
        archived.ModelVersion = "3";
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(async () => await viewer.ModelInferAsync(archived))).StatusCode);

        var hidden = Request(0);
        hidden.ModelName = InferenceProtocolFixture.Private;
        var notFound = await Assert.ThrowsAsync<RpcException>(async () => await viewer.ModelInferAsync(hidden));
        Assert.Equal(StatusCode.NotFound, notFound.StatusCode);
        Assert.Equal($"No model named '{InferenceProtocolFixture.Private}' is registered.", notFound.Status.Detail);

        var (bobChannel, bob) = fx.Grpc(fx.BobToken);
        using var __ = bobChannel;
        Assert.Equal("1", (await bob.ModelInferAsync(hidden)).ModelVersion);
        Assert.Equal("1", (await viewer.ModelInferAsync(Request(0))).ModelVersion);
    }

    [Fact]
    public async Task The_grpc_port_speaks_only_http2_and_the_http_port_is_unchanged()
    {
        // An HTTP/1.1 request to the gRPC port is not served there (refused or dropped): that port is HTTP/2 with prior knowledge.
        using var http1 = new HttpClient { BaseAddress = new Uri(fx.GrpcUrl) };
        try
        {
            using var refused = await http1.GetAsync("/v2/health/live");
            Assert.False(refused.IsSuccessStatusCode, $"{(int)refused.StatusCode} over HTTP/{refused.Version}");
        }
        catch (HttpRequestException)
        {
        }
        using var rest = new HttpClient { BaseAddress = new Uri(fx.BaseUrl) };
        using var live = await rest.GetAsync("/v2/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(new Version(1, 1), live.Version);
    }

    /// <summary>Dataset samples with typed contents: PNG files as BYTES, vectors as FP32.</summary>
    private ModelInferRequest Request(params int[] samples)
    {
        var request = new ModelInferRequest { ModelName = Model };
        foreach (var field in new[] { TaskSpec.Frame1, TaskSpec.Frame2, TaskSpec.OcrViz })
        {
            var input = Input(field, "BYTES", samples.Length);
            input.Contents = new InferTensorContents();
            input.Contents.BytesContents.AddRange(samples.Select(s => ByteString.CopyFrom(File.ReadAllBytes(fx.ImagePath(s, field)))));
            request.Inputs.Add(input);
        }
        var features = Input(TaskSpec.SpatialFeatures, "FP32", samples.Length, 20);
        features.Contents = new InferTensorContents();
        features.Contents.Fp32Contents.AddRange(samples.SelectMany(s => fx.Manifest.Samples[s].SpatialFeatures));
        request.Inputs.Add(features);
        var box = Input("caption_box", "FP32", samples.Length, 4);
        box.Contents = new InferTensorContents();
        box.Contents.Fp32Contents.AddRange(samples.SelectMany(s => fx.Manifest.Samples[s].CaptionBox ?? [0, 0, 0, 0]));
        request.Inputs.Add(box);
        return request;
    }

    private static ModelInferRequest.Types.InferInputTensor Input(string name, string datatype, params long[] shape)
    {
        var input = new ModelInferRequest.Types.InferInputTensor { Name = name, Datatype = datatype };
        input.Shape.AddRange(shape);
        return input;
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var k = 0; k < expected.Length; k++)
            Assert.True(Math.Abs(expected[k] - actual[k]) <= 1e-5, $"class {k}: served {actual[k]}, in process {expected[k]}");
    }
}
