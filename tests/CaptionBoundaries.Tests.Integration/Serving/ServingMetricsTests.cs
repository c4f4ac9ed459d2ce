using CaptionBoundaries.Domain.Registry;
using CaptionBoundaries.Infrastructure.Configuration;
using CaptionBoundaries.Infrastructure.Registry;
using CaptionBoundaries.Serving;
using CaptionBoundaries.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Serving;

/// <summary>The recorder's calls as Prometheus series: names, labels, histogram buckets, and the unknown-model label.</summary>
public class ServingMetricsTests
{
    private static async Task<IReadOnlyList<PrometheusText.Sample>> Export(ServingMetrics metrics)
    {
        using var stream = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(stream);
        return PrometheusText.Parse(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public async Task The_recorder_updates_the_collectors_in_the_same_calls()
    {
        var metrics = new ServingMetrics();
        var recorder = new ServingRecorder(metrics);
        recorder.Answered("m", 1, ServingRoutes.Production, ["same"], 7);          // 7 ms
        recorder.Answered("m", 1, ServingRoutes.Production, ["same", "different", "same"], 1500);
        recorder.Answered("m", 2, ServingRoutes.Canary, ["empty_empty"], 0.5);
        recorder.Failed("m", 2, ServingFailureReasons.BadInput);
        recorder.Failed("m", null, ServingFailureReasons.RateLimited);
        recorder.ShadowCompared("m", 2, compared: 10, disagreed: 3);

        var s = await Export(metrics);
        Assert.Equal(2, s.Sum("caption_boundaries_serving_requests_total", ("model", "m"), ("version", "1"), ("route", "production"), ("outcome", "ok")));
        Assert.Equal(1, s.Sum("caption_boundaries_serving_requests_total", ("model", "m"), ("version", "2"), ("route", "canary"), ("outcome", "ok")));
        Assert.Equal(1, s.Sum("caption_boundaries_serving_requests_total", ("model", "m"), ("version", "2"), ("route", "none"), ("outcome", "failed")));
        Assert.Equal(1, s.Sum("caption_boundaries_serving_failures_total", ("model", "m"), ("version", "none"), ("reason", "rate_limited")));
        Assert.Equal(1, s.Sum("caption_boundaries_serving_failures_total", ("model", "m"), ("version", "2"), ("reason", "bad_input")));

        // Seconds, cumulative buckets: 7 ms is above 5 ms and within 10 ms; 1.5 s within 2.5 s.
        double Bucket(string le) => s.Sum("caption_boundaries_serving_request_duration_seconds_bucket", ("model", "m"), ("version", "1"), ("le", le));
        Assert.Equal((0, 1, 1, 2, 2), (Bucket("0.005"), Bucket("0.01"), Bucket("1"), Bucket("2.5"), Bucket("+Inf")));
        Assert.Equal(1.507, s.Sum("caption_boundaries_serving_request_duration_seconds_sum", ("model", "m"), ("version", "1")), 6);
        Assert.Equal(0, s.Sum("caption_boundaries_serving_request_duration_seconds_bucket", ("model", "m"), ("version", "2"), ("le", "0.0005")));
        Assert.Equal(1, s.Sum("caption_boundaries_serving_request_duration_seconds_bucket", ("model", "m"), ("version", "2"), ("le", "0.001")));

        Assert.Equal(4, s.Sum("caption_boundaries_serving_request_samples_sum", ("model", "m"), ("version", "1")));
        Assert.Equal(1, s.Sum("caption_boundaries_serving_request_samples_bucket", ("model", "m"), ("version", "1"), ("le", "2")));
        Assert.Equal(10, s.Sum("caption_boundaries_serving_shadow_compared_total", ("model", "m"), ("version", "2")));
        Assert.Equal(3, s.Sum("caption_boundaries_serving_shadow_disagreed_total", ("model", "m"), ("version", "2")));
    }

    [Fact]
    public async Task Buckets_span_one_millisecond_to_ten_seconds()
    {
        Assert.Equal(0.001, ServingMetrics.LatencyBuckets[0]);
        Assert.Equal(10, ServingMetrics.LatencyBuckets[^1]);
        Assert.True(ServingMetrics.LatencyBuckets.Zip(ServingMetrics.LatencyBuckets.Skip(1)).All(p => p.First < p.Second));
        var metrics = new ServingMetrics();
        metrics.Answered("m", 1, ServingRoutes.Production, 1, 0.2);
        Assert.Contains(await Export(metrics), x => x.Name == "caption_boundaries_serving_request_duration_seconds_bucket" && x.Labels["le"] == "10");
    }

    [Fact]
    public async Task Failures_for_unregistered_names_are_one_not_found_series_and_registered_ones_keep_their_name()
    {
        await using var app = await AppHost.StartAsync();
        var registered = app.Services.GetRequiredService<RegisteredModels>();
        registered.Added("known");
        Assert.True(await registered.IsRegisteredAsync("known", CancellationToken.None));
        var metrics = new ServingMetrics();
        var recorder = new ServingRecorder(metrics, registered);
        for (var i = 0; i < 50; i++) recorder.Failed($"made-up-{i}", null, ServingFailureReasons.NoActiveVersion);
        recorder.Failed("known", null, ServingFailureReasons.NoActiveVersion);

        var s = await Export(metrics);
        Assert.Equal(50, s.Sum("caption_boundaries_serving_failures_total", ("model", ServingMetrics.UnknownModel), ("reason", "not_found")));
        Assert.Equal(1, s.Sum("caption_boundaries_serving_failures_total", ("model", "known"), ("reason", "no_active_version")));
        Assert.DoesNotContain(s, x => x.Labels.Values.Any(v => v.StartsWith("made-up", StringComparison.Ordinal)));
        // The in-memory tables stay bounded too.
        Assert.Empty(recorder.FailuresWithoutVersion("made-up-7"));
        Assert.Equal(50, recorder.FailuresWithoutVersion(ServingMetrics.UnknownModel)[ServingFailureReasons.NotFound]);
    }

    [Fact]
    public async Task Two_hosts_in_one_process_keep_separate_counts()
    {
        var a = new ServingMetrics();
        var b = new ServingMetrics();
        a.Answered("m", 1, ServingRoutes.Production, 1, 1);
        Assert.Equal(1, (await Export(a)).Sum("caption_boundaries_serving_requests_total"));
        Assert.Equal(0, (await Export(b)).Sum("caption_boundaries_serving_requests_total"));
    }

    [Theory]
    [InlineData("short", false)]
    [InlineData("twenty-four chars w/ spc", false)]
    [InlineData("0123456789abcdef01234567", true)]
    public void A_scrape_token_must_be_long_enough_to_be_unguessable(string token, bool accepted)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Metrics:ScrapeToken"] = token }).Build();
        var errors = ConfigurationValidator.Validate(configuration).Where(e => e.Key == "Metrics:ScrapeToken").ToList();
        Assert.Equal(accepted, errors.Count == 0);
        // A secret: the configuration page and `config show` mask it.
        Assert.True(KnownSettings.All.Single(s => s.Key == "Metrics:ScrapeToken").Secret);
    }
}
