using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Host.Api;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Serving;
using CaptionBoundaries.Tests.Support;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Serving;

/// <summary>
/// Serving metrics as an operator reads them at /metrics: every prediction request counted once, answered ones by the
/// predictor with their version and route, failed ones by reason wherever they failed (refused at the edge, or inside
/// the predictor); unknown model names never become labels; only admins and the scraper read them.
/// </summary>
public sealed class ServingFailureCountingTests(ServingMetricsFixture fx) : IClassFixture<ServingMetricsFixture>
{
    private const string Requests = "caption_boundaries_serving_requests_total";
    private const string Failures = "caption_boundaries_serving_failures_total";

    [Fact]
    public async Task Every_prediction_request_is_counted_once_answers_by_version_and_failures_by_reason_wherever_they_failed()
    {
        await fx.RegisterAsync("counted", 1);
        await fx.SwitchAsync("counted", 1);
        await fx.RegisterAsync("counted-secret", 2);
        await fx.SwitchAsync("counted-secret", 1);
        using (var admin = fx.Factory.CreateClient())
            await ApiJson.Expect(await admin.PutAsJsonAsync("/api/models/counted-secret/visibility", new { @private = true }), HttpStatusCode.OK);
        var viewer = await fx.Factory.CreateUserTokenAsync("counted-viewer", Roles.Viewer);
        var burst = await fx.Factory.CreateUserTokenAsync("counted-burst", Roles.Viewer);
        using var vic = fx.Factory.CreateClient(viewer);

        async Task Expect(HttpResponseMessage response, HttpStatusCode status)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        }

        // Answered: three single predictions and one batch of two.
        for (var i = 0; i < 3; i++) await Expect(await vic.PostAsJsonAsync("/api/models/counted/predict", fx.Body(i)), HttpStatusCode.OK);
        await Expect(await vic.PostAsJsonAsync("/api/models/counted/predict/batch", new { instances = new[] { fx.Body(0), fx.Body(1) } }), HttpStatusCode.OK);

        // Refused at the edge, before the predictor: validation (single and batch), a media type, a declared size, no credentials.
        var shortFeatures = fx.Body();
        shortFeatures["spatial_features"] = new[] { 1f, 2f };
        await Expect(await vic.PostAsJsonAsync("/api/models/counted/predict", shortFeatures), HttpStatusCode.BadRequest);
        await Expect(await vic.PostAsJsonAsync("/api/models/counted/predict/batch", new { instances = new[] { fx.Body(), shortFeatures } }), HttpStatusCode.BadRequest);
        await Expect(await vic.PostAsync("/api/models/counted/predict", new StringContent("frame1=x", Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType);
        using (var direct = fx.Factory.Server.CreateClient())
        {
            // Straight to the test server: the factory's client would buffer the body to replay it on redirects.
            direct.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", viewer);
            await Expect(await direct.PostAsync("/api/models/counted/predict", new DeclaredLengthContent(100L * 1024 * 1024)), HttpStatusCode.RequestEntityTooLarge);
        }
        using (var anonymous = fx.Factory.CreateClient(null))
            await Expect(await anonymous.PostAsJsonAsync("/api/models/counted/predict", fx.Body()), HttpStatusCode.Unauthorized);
        // Another account's private model: the same 404 as a model that does not exist, refused before the predictor.
        await Expect(await vic.PostAsJsonAsync("/api/models/counted-secret/predict", fx.Body()), HttpStatusCode.NotFound);

        // Refused inside the predictor (counted there, with the version it had chosen): bytes that are no image.
        var notAnImage = fx.Body();
        notAnImage["frame2"] = Convert.ToBase64String(Encoding.UTF8.GetBytes("this is not a PNG"));
        await Expect(await vic.PostAsJsonAsync("/api/models/counted/predict", notAnImage), HttpStatusCode.BadRequest);
        // A model nobody registered reaches the predictor, which finds no version: counted under one fixed label.
        await Expect(await vic.PostAsJsonAsync("/api/models/counted-typo-3f9/predict", fx.Body()), HttpStatusCode.NotFound);

        // The rate limit: a budget's worth of answers, then 429.
        using (var fast = fx.Factory.CreateClient(burst))
        {
            for (var i = 0; i < ServingMetricsFixture.PredictionsPerMinute; i++)
                await Expect(await fast.PostAsJsonAsync("/api/models/counted/predict", fx.Body(i)), HttpStatusCode.OK);
            await Expect(await fast.PostAsJsonAsync("/api/models/counted/predict", fx.Body()), HttpStatusCode.TooManyRequests);
        }

        var metrics = await fx.ScrapeAsync();
        const int answered = 3 + 1 + ServingMetricsFixture.PredictionsPerMinute;
        Assert.Equal(answered, metrics.Sum(Requests, ("model", "counted"), ("version", "1"), ("route", "production"), ("outcome", "ok")));
        Assert.Equal(3 + 2 + ServingMetricsFixture.PredictionsPerMinute, metrics.Sum("caption_boundaries_serving_request_samples_sum", ("model", "counted")));
        Assert.Equal(answered, metrics.Sum("caption_boundaries_serving_request_duration_seconds_count", ("model", "counted"), ("version", "1")));
        // Every sample of every answered request went through a forward pass of version 1.
        Assert.Equal(3 + 2 + ServingMetricsFixture.PredictionsPerMinute, metrics.Sum("caption_boundaries_serving_forward_batch_rows_sum", ("model", "counted"), ("version", "1")));
        Assert.Equal(1, metrics.Sum("caption_boundaries_serving_loaded_versions", ("model", "counted"), ("version", "1")));

        var failures = metrics.Where(s => s.Name == Failures && s.Labels["model"] is "counted" or "counted-secret" or ServingMetrics.UnknownModel)
            .ToDictionary(s => $"{s.Labels["model"]}/{s.Labels["version"]}/{s.Labels["reason"]}", s => s.Value);
        Assert.Equal(new Dictionary<string, double>
        {
            ["counted/none/bad_input"] = 3,
            ["counted/none/too_large"] = 1,
            ["counted/none/unauthenticated"] = 1,
            ["counted/none/rate_limited"] = 1,
            ["counted/1/bad_input"] = 1,
            ["counted-secret/none/not_found"] = 1,
            ["_unknown_/none/not_found"] = 1,
        }, failures);
        // Each failure is one failed request too: requests = answered + failed, nothing counted twice.
        Assert.Equal(answered + 9, metrics.Sum(Requests, ("model", "counted")) + metrics.Sum(Requests, ("model", "counted-secret"))
            + metrics.Sum(Requests, ("model", ServingMetrics.UnknownModel)));
        Assert.DoesNotContain(metrics, s => s.Labels.Values.Any(v => v.Contains("typo")));

        // The recorder the console reads holds the same counts.
        var recorder = fx.Factory.Services.GetRequiredService<ServingRecorder>();
        Assert.Equal(answered, recorder.Snapshot("counted").Single().Requests);
        Assert.Equal(1, recorder.Snapshot("counted").Single().FailuresByReason[ServingFailureReasons.BadInput]);
        Assert.Equal(3, recorder.FailuresWithoutVersion("counted")[ServingFailureReasons.BadInput]);
    }

    [Fact]
    public async Task Metrics_are_read_with_an_admin_token_or_the_scrape_token_only_and_never_name_unregistered_models()
    {
        using (var anonymous = fx.Factory.CreateClient(null))
        {
            var refused = await anonymous.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains("Bearer", refused.Headers.WwwAuthenticate.ToString());
            // A wrong token, the right one cut short, and the right one with a character changed.
            foreach (var wrong in new[] { "not-the-token-at-all-0123456789", fx.ScrapeToken[..^1], "0" + fx.ScrapeToken[1..] + "0" })
            {
                anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", wrong);
                Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
            }
        }
        using (var viewer = fx.Factory.CreateClient(await fx.Factory.CreateUserTokenAsync("metrics-viewer", Roles.Viewer)))
            Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync("/metrics")).StatusCode);
        using (var researcher = fx.Factory.CreateClient(await fx.Factory.CreateUserTokenAsync("metrics-researcher", Roles.Researcher)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await researcher.GetAsync("/metrics")).StatusCode);
            // Made-up model names in request paths, each a distinct string.
            foreach (var name in new[] { "zz-made-up-1", "zz-made-up-2", "zz-made-up-3", "zz-made-up-4" })
                Assert.Equal(HttpStatusCode.NotFound, (await researcher.PostAsJsonAsync($"/api/models/{name}/predict", fx.Body())).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await researcher.PostAsJsonAsync("/api/models/zz-made-up-5/predict/batch", new { instances = new[] { fx.Body() } })).StatusCode);
        }
        using (var admin = fx.Factory.CreateClient())
        {
            var response = await admin.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString());
            var text = await response.Content.ReadAsStringAsync();
            Assert.Contains("# TYPE caption_boundaries_serving_request_duration_seconds histogram", text);
            Assert.DoesNotContain("zz-made-up", text);
            Assert.True(PrometheusText.Parse(text).Sum(Failures, ("model", ServingMetrics.UnknownModel), ("reason", "not_found")) >= 5);
        }
    }

    [Fact]
    public async Task Loaded_versions_follow_switches_and_forward_passes_count_their_rows()
    {
        await fx.RegisterAsync("swapped", 3);
        await fx.RegisterAsync("swapped", 4);
        await fx.SwitchAsync("swapped", 1);
        using var admin = fx.Factory.CreateClient();
        await ApiJson.Expect(await admin.PostAsJsonAsync("/api/models/swapped/predict/batch", new { instances = Enumerable.Range(0, 5).Select(fx.Body).ToArray() }), HttpStatusCode.OK);
        var before = await fx.ScrapeAsync();
        Assert.Equal(1, before.Sum("caption_boundaries_serving_loaded_versions", ("model", "swapped"), ("version", "1")));
        Assert.Equal(5, before.Sum("caption_boundaries_serving_forward_batch_rows_sum", ("model", "swapped"), ("version", "1")));
        // Five samples queued at once: fewer forward passes than rows.
        Assert.InRange(before.Sum("caption_boundaries_serving_forward_batch_rows_count", ("model", "swapped"), ("version", "1")), 1, 4);

        await fx.SwitchAsync("swapped", 2);
        await ApiJson.Expect(await admin.PostAsJsonAsync("/api/models/swapped/predict", fx.Body()), HttpStatusCode.OK);
        // Version 1 is unloaded in the background once its last request is done.
        static bool V1Loaded(IReadOnlyList<PrometheusText.Sample> samples) =>
            samples.Any(s => s.Name == "caption_boundaries_serving_loaded_versions" && s.Has(("model", "swapped"), ("version", "1")));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        var after = await fx.ScrapeAsync();
        while (V1Loaded(after) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            after = await fx.ScrapeAsync();
        }
        Assert.False(V1Loaded(after), "version 1 is still reported loaded 20 s after the switch");
        Assert.Equal(1, after.Sum("caption_boundaries_serving_loaded_versions", ("model", "swapped"), ("version", "2")));
        Assert.Equal(1, after.Sum(Requests, ("model", "swapped"), ("version", "2"), ("outcome", "ok")));
    }

    [Theory]
    [InlineData(200, null)]
    [InlineData(400, "bad_input")]
    [InlineData(401, "unauthenticated")]
    [InlineData(403, "forbidden")]
    [InlineData(404, "not_found")]
    [InlineData(409, "bad_input")]
    [InlineData(413, "too_large")]
    [InlineData(415, "bad_input")]
    [InlineData(429, "rate_limited")]
    [InlineData(500, "internal")]
    [InlineData(503, "unavailable")]
    public void Statuses_map_to_a_few_fixed_reasons(int status, string? reason) => Assert.Equal(reason, ServingEdgeCounting.ReasonFor(status));

    [Theory]
    [InlineData("/api/models/{model}/predict", "model")]
    [InlineData("/api/models/{model}/predict/batch", "model")]
    [InlineData("/v2/models/{model_name}/infer", "model_name")]
    [InlineData("/v2/models/{name}/versions/{version}/infer", "name")]
    [InlineData("/v2/models/{name}/versions/{version:int}/infer", "name")]
    [InlineData("/api/models/{model}/versions", null)]
    [InlineData("/api/models/{model}/switch", null)]
    [InlineData("/v2/models/{name}/ready", null)]
    [InlineData("/v2/models/{name}", null)]
    public void Serving_endpoints_are_recognised_by_their_route_shape(string pattern, string? modelParameter) =>
        Assert.Equal(modelParameter, ServingEdgeCounting.ModelParameterOfServingShape(RoutePatternFactory.Parse(pattern)));

    [Fact]
    public void The_marker_counts_an_endpoint_of_any_shape_and_names_its_model_parameter()
    {
        var endpoint = new Microsoft.AspNetCore.Routing.RouteEndpoint(_ => Task.CompletedTask, RoutePatternFactory.Parse("/custom/{m}/classify"), 0,
            new Microsoft.AspNetCore.Http.EndpointMetadataCollection(new ServingEdgeCounting.ServingEndpoint("m")), "custom");
        Assert.Equal("m", ServingEdgeCounting.ServingOf(endpoint)?.ModelRouteValue);
        var plain = new Microsoft.AspNetCore.Routing.RouteEndpoint(_ => Task.CompletedTask, RoutePatternFactory.Parse("/custom/{m}/classify"), 0,
            Microsoft.AspNetCore.Http.EndpointMetadataCollection.Empty, "plain");
        Assert.Null(ServingEdgeCounting.ServingOf(plain));
    }

    /// <summary>A body that declares a length far over the prediction limit; the server must refuse it before reading.</summary>
    private sealed class DeclaredLengthContent : HttpContent
    {
        private readonly long _length;

        public DeclaredLengthContent(long length)
        {
            _length = length;
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync("{}"u8.ToArray()).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = _length;
            return true;
        }
    }
}
