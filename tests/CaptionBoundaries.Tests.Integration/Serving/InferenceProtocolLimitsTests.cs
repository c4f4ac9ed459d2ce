using System.Net;
using System.Net.Http.Json;
using System.Text;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Tests.Api;
using CaptionBoundaries.Tests.Support;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Inference;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Serving;

/// <summary>
/// The limits of /v2 with small settings (a test server, and gRPC through its handler): bodies over
/// Limits:MaxPredictBodyMegabytes are 413 before they are read, the serving rate limit is 429, both in the protocol's
/// error shape; gRPC inference counts against the serving budget and its metadata calls against the API's.
/// </summary>
public sealed class InferenceProtocolLimitsTests(InferenceProtocolLimitsTests.Server server) : IClassFixture<InferenceProtocolLimitsTests.Server>
{
    private const int PredictionsPerMinute = 4;
    private readonly ApiFactory _factory = server.Factory;

    /// <summary>One test server for both tests (each uses its own account, so their budgets are apart).</summary>
    public sealed class Server : IAsyncLifetime
    {
        public ApiFactory Factory { get; } = new() { Slots = 1 };

        public async Task InitializeAsync()
        {
            Factory.Settings["Limits:MaxPredictBodyMegabytes"] = "1";
            Factory.Settings["Security:PredictionsPerMinute"] = PredictionsPerMinute.ToString();
            using var admin = Factory.CreateClient();
            var checkpoint = CheckpointFactory.WriteTinyCnn(Factory.Services.GetRequiredService<PluginRegistry>(),
                Path.Combine(Factory.DataFolder, "ckpt", "limits.pt"), 3);
            Assert.True((await admin.PostAsJsonAsync("/api/models/limits/versions", new { checkpoint_path = checkpoint })).IsSuccessStatusCode);
            Assert.True((await admin.PostAsJsonAsync("/api/models/limits/switch", new { version = 1 })).IsSuccessStatusCode);
        }

        public async Task DisposeAsync() => await Factory.DisposeAsync();
    }

    [Fact]
    public async Task A_body_over_the_prediction_limit_is_413_declared_or_chunked()
    {
        using var viewer = _factory.CreateClient(await _factory.CreateUserTokenAsync("big-sender", "viewer"));
        var oversized = """{ "inputs": [ { "name": "frame1", "datatype": "BYTES", "shape": [1], "data": [" """ + new string('A', 2 * 1024 * 1024) + "\"] } ] }";

        using var declared = await viewer.PostAsync("/v2/models/limits/infer", new StringContent(oversized, Encoding.UTF8, "application/json"));
        Assert.Contains("Limits:MaxPredictBodyMegabytes", await V2Requests.ErrorAsync(declared, HttpStatusCode.RequestEntityTooLarge));

        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(oversized)));
        chunked.Headers.ContentType = new("application/octet-stream");
        chunked.Headers.Add("Inference-Header-Content-Length", "64");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2/models/limits/versions/1/infer") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        Assert.Contains("Limits:MaxPredictBodyMegabytes", await V2Requests.ErrorAsync(await viewer.SendAsync(request), HttpStatusCode.RequestEntityTooLarge));
    }

    [Fact]
    public async Task Inference_over_the_serving_rate_limit_is_429_and_grpc_inference_shares_that_budget()
    {
        var token = await _factory.CreateUserTokenAsync("busy-client", "viewer");
        using var viewer = _factory.CreateClient(token);
        // A fixed one-minute window may roll over during the test: keep sending until the limiter refuses, within a bound.
        var accepted = 0;
        string? refusal = null;
        for (var i = 0; i < 3 * PredictionsPerMinute && refusal is null; i++)
        {
            using var response = await viewer.PostAsync("/v2/models/limits/infer", new StringContent("{}", Encoding.UTF8, "application/json"));
            if (response.StatusCode == HttpStatusCode.TooManyRequests) refusal = await V2Requests.ErrorAsync(response, HttpStatusCode.TooManyRequests);
            else accepted++;
        }
        Assert.NotNull(refusal);
        Assert.True(accepted >= PredictionsPerMinute, $"refused after {accepted} requests");
        // Metadata reads are not serving traffic: the same account still reads them.
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/v2/models/limits")).StatusCode);

        using var channel = GrpcChannel.ForAddress(_factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = _factory.Server.CreateHandler() });
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel.Intercept(m =>
        {
            m.Add("authorization", $"Bearer {token}");
            return m;
        }));
        var limited = false;
        for (var i = 0; i < 3 * PredictionsPerMinute && !limited; i++)
        {
            var metadata = await client.ModelMetadataAsync(new ModelMetadataRequest { Name = "limits" });
            Assert.Equal("limits", metadata.Name);
            try
            {
                await client.ModelInferAsync(new ModelInferRequest { ModelName = "limits" });
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
            {
                // Accepted by the limiter (and refused for having no inputs).
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && e.Status.Detail.Contains("429"))
            {
                limited = true;
            }
        }
        Assert.True(limited, "gRPC inference was never rate limited");
    }
}
