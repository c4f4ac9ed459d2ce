using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using CaptionBoundaries.Application.Monitoring;
using CaptionBoundaries.Grains;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Application.Registry;

/// <summary>
/// Sends registry changes and drift alerts to the configured webhooks from a background queue, so a slow or dead
/// endpoint never delays a switch or serving. Each delivery is retried a few times with back-off, then dropped with
/// a warning. Registry changes go to <c>Registry:Webhooks</c>; drift alerts (<c>"kind": "drift_alert"</c>) go there
/// and to <c>Monitoring:Webhooks</c>.
/// </summary>
public sealed class WebhookPublisher(RegistryOptions options, MonitoringOptions monitoring, ILogger<WebhookPublisher> logger) : BackgroundService
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private readonly Channel<Delivery> _queue = Channel.CreateUnbounded<Delivery>();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public void Publish(ModelChangeNotice notice)
    {
        if (options.Webhooks.Count > 0) _queue.Writer.TryWrite(new Delivery(options.Webhooks, notice, notice.Kind, notice.Model));
    }

    public void PublishAlert(DriftAlertNotice notice)
    {
        var urls = options.Webhooks.Concat(monitoring.Webhooks).Distinct().ToList();
        if (urls.Count > 0) _queue.Writer.TryWrite(new Delivery(urls, notice, notice.Kind, notice.Model));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var delivery in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            foreach (var url in delivery.Urls)
            {
                await Deliver(url, delivery, stoppingToken);
            }
        }
    }

    private async Task Deliver(string url, Delivery delivery, CancellationToken ct)
    {
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            try
            {
                using var content = JsonContent.Create(delivery.Payload, delivery.Payload.GetType(), options: Json);
                using var response = await _http.PostAsync(url, content, ct);
                if (response.IsSuccessStatusCode) return;
                logger.LogWarning("Webhook {Url} answered {Status} for {Kind} of {Model} (attempt {Attempt}).", url, (int)response.StatusCode, delivery.Kind, delivery.Model, attempt);
            }
            catch (HttpRequestException e)
            {
                logger.LogWarning("Webhook {Url} failed for {Kind} of {Model} (attempt {Attempt}): {Error}", url, delivery.Kind, delivery.Model, attempt, e.Message);
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt * attempt), ct);
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    private sealed record Delivery(IReadOnlyList<string> Urls, object Payload, string Kind, string Model);
}
