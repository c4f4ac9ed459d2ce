using Bunit;
using CaptionBoundaries.Application.Features.Webhooks;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Tracking;
using CaptionBoundaries.Ui.Pages;

namespace CaptionBoundaries.Tests.Ui;

public sealed class WebhooksPageTests : IDisposable
{
    private readonly UiTestContext _ctx = new();

    private static WebhookDeliveryView Delivery(long id, string status, int attempts, string? error) => new(
        id, $"https://hooks.example/deploy?***", "switch", "captions", status, attempts, 8, DateTime.UtcNow.AddMinutes(-id), null,
        DateTime.UtcNow, status == WebhookDelivery.Delivered ? DateTime.UtcNow : null, status == WebhookDelivery.DeadLettered ? DateTime.UtcNow : null,
        error is null ? 204 : null, error);

    [Fact]
    public void The_page_lists_deliveries_with_attempts_and_last_error_and_redelivers_a_dead_letter_through_the_handler()
    {
        var dead = Delivery(2, WebhookDelivery.DeadLettered, 8, "timed out: no answer within 00:00:10");
        var list = new WebhookDeliveryList(0, 1, 1, [dead, Delivery(1, WebhookDelivery.Delivered, 1, null)]);
        _ctx.Sender
            .On<ListWebhookDeliveriesQuery, WebhookDeliveryList>(_ => list)
            .On<RedeliverWebhookCommand, WebhookDeliveryView>(c =>
            {
                list = list with { Pending = 1, DeadLettered = 0, Deliveries = [dead with { Status = WebhookDelivery.Pending, Attempts = 0 }, list.Deliveries[1]] };
                return list.Deliveries[0];
            });

        var page = _ctx.Render<WebhooksPage>();

        Assert.Equal("1", page.Find("#count-dead-lettered").TextContent.Trim());
        Assert.Contains("timed out: no answer", page.Find(".webhook-error").TextContent);
        Assert.Contains("8 / 8", page.Markup);
        Assert.Contains("hooks.example/deploy?***", page.Markup);
        // Only the dead letter has a redeliver button.
        var button = Assert.Single(page.FindAll("button.redeliver"));
        button.Click();

        Assert.Equal(2, Assert.Single(_ctx.Sender.SentOf<RedeliverWebhookCommand>()).Id);
        page.WaitForAssertion(() => Assert.Equal("1", page.Find("#count-pending").TextContent.Trim()));
        Assert.Empty(page.FindAll("button.redeliver"));
    }

    [Fact]
    public void Choosing_a_status_asks_the_handler_for_that_status_only()
    {
        _ctx.Sender.On<ListWebhookDeliveriesQuery, WebhookDeliveryList>(q => new WebhookDeliveryList(0, 0, 0, []));
        var page = _ctx.Render<WebhooksPage>();
        page.Find("#webhook-status").Change(WebhookDelivery.DeadLettered);
        Assert.Equal([null, WebhookDelivery.DeadLettered], _ctx.Sender.SentOf<ListWebhookDeliveriesQuery>().Select(q => q.Status));
    }

    public void Dispose() => _ctx.Dispose();
}
