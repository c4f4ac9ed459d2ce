using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Errors;
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

/// <summary>Sends a dead-lettered delivery again, with a fresh set of attempts: admins only.</summary>
[RequiresRole(Roles.Admin)]
public sealed record RedeliverWebhookCommand(long Id) : ICommand<WebhookDeliveryView>;

/// <summary>Only a dead letter can be redelivered: a pending one is still being tried and a delivered one arrived.</summary>
public sealed class WebhookNotDeadLetteredException(long id, string status)
    : Exception($"Webhook delivery {id} is {status}; only a dead-lettered delivery can be redelivered.");

public sealed class RedeliverWebhookValidator : AbstractValidator<RedeliverWebhookCommand>
{
    public RedeliverWebhookValidator() => RuleFor(c => c.Id).GreaterThan(0).OverridePropertyName("id");
}

public sealed class RedeliverWebhookHandler(TrackingDbContext db, WebhookPublisher publisher, WebhookOptions options)
    : ICommandHandler<RedeliverWebhookCommand, WebhookDeliveryView>
{
    public async ValueTask<WebhookDeliveryView> Handle(RedeliverWebhookCommand command, CancellationToken ct)
    {
        var row = await db.WebhookDeliveries.SingleOrDefaultAsync(d => d.Id == command.Id, ct)
            ?? throw DomainException.NotFound($"Webhook delivery {command.Id} does not exist.");
        if (row.Status != WebhookDelivery.DeadLettered) throw new WebhookNotDeadLetteredException(row.Id, row.Status);
        // The last error stays until the next attempt replaces it: what went wrong is still worth reading meanwhile.
        row.Status = WebhookDelivery.Pending;
        row.Attempts = 0;
        row.DeadLetteredAtUtc = null;
        row.NextAttemptAtUtc = DateTime.UtcNow;
        await db.SaveChangesAsync(ct);
        publisher.Wake();
        return WebhookDeliveryView.From(row, options.MaxAttempts);
    }
}
