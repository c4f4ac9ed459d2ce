using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using CaptionBoundaries.Grains;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Application.Registry;

/// <summary>
/// Sends registry changes to the configured webhooks from a background queue, so a slow or dead endpoint never
/// delays a switch. Each delivery is retried a few times with back-off, then dropped with a warning.
/// </summary>
public sealed class WebhookPublisher(RegistryOptions options, ILogger<WebhookPublisher> logger) : BackgroundService
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private readonly Channel<ModelChangeNotice> _queue = Channel.CreateUnbounded<ModelChangeNotice>();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public void Publish(ModelChangeNotice notice)
    {
        if (options.Webhooks.Count > 0) _queue.Writer.TryWrite(notice);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var notice in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            foreach (var url in options.Webhooks)
            {
                await Deliver(url, notice, stoppingToken);
            }
        }
    }

    private async Task Deliver(string url, ModelChangeNotice notice, CancellationToken ct)
    {
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            try
            {
                using var response = await _http.PostAsJsonAsync(url, notice, Json, ct);
                if (response.IsSuccessStatusCode) return;
                logger.LogWarning("Webhook {Url} answered {Status} for {Kind} of {Model} (attempt {Attempt}).", url, (int)response.StatusCode, notice.Kind, notice.Model, attempt);
            }
            catch (HttpRequestException e)
            {
                logger.LogWarning("Webhook {Url} failed for {Kind} of {Model} (attempt {Attempt}): {Error}", url, notice.Kind, notice.Model, attempt, e.Message);
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt * attempt), ct);
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}
