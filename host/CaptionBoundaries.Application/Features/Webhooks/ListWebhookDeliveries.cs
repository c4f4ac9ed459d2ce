using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Registry;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Registry;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Webhooks;

/// <summary>Webhook deliveries, newest first, optionally of one status: admins only (the URLs are the operator's secrets).</summary>
[RequiresRole(Roles.Admin)]
public sealed record ListWebhookDeliveriesQuery(string? Status = null, int Limit = 200) : IQuery<WebhookDeliveryList>;

public sealed class ListWebhookDeliveriesValidator : AbstractValidator<ListWebhookDeliveriesQuery>
{
    public ListWebhookDeliveriesValidator()
    {
        RuleFor(q => q.Status).Must(s => s is null or WebhookDelivery.Pending or WebhookDelivery.Delivered or WebhookDelivery.DeadLettered)
            .WithMessage("Status must be pending, delivered or dead_lettered.").OverridePropertyName("status");
        RuleFor(q => q.Limit).InclusiveBetween(1, 10_000).OverridePropertyName("limit");
    }
}

public sealed class ListWebhookDeliveriesHandler(TrackingDbContext db, WebhookOptions options) : IQueryHandler<ListWebhookDeliveriesQuery, WebhookDeliveryList>
{
    public async ValueTask<WebhookDeliveryList> Handle(ListWebhookDeliveriesQuery query, CancellationToken ct)
    {
        var counts = await db.WebhookDeliveries.GroupBy(d => d.Status).Select(g => new { Status = g.Key, Count = g.Count() }).ToListAsync(ct);
        int Count(string status) => counts.FirstOrDefault(c => c.Status == status)?.Count ?? 0;
        var rows = db.WebhookDeliveries.AsNoTracking();
        if (query.Status is { } status) rows = rows.Where(d => d.Status == status);
        var newest = await rows.OrderByDescending(d => d.Id).Take(query.Limit).ToListAsync(ct);
        return new WebhookDeliveryList(Count(WebhookDelivery.Pending), Count(WebhookDelivery.Delivered), Count(WebhookDelivery.DeadLettered),
            newest.Select(d => WebhookDeliveryView.From(d, options.MaxAttempts)).ToList());
    }
}
