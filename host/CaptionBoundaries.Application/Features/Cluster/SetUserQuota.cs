using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Security;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.Cluster;

/// <summary>
/// An administrator sets how many worker slots one user's runs may hold at once (persisted by the scheduler, winning
/// over configuration), or with <see cref="Slots"/> null returns the user to the configured quota. Takes effect at once:
/// a raised quota starts waiting runs; a lowered one stops nothing that runs, it only holds back new starts.
/// </summary>
[RequiresRole(Roles.Admin)]
public sealed record SetUserQuotaCommand(string User, int? Slots) : ICommand<UserShare>;

public sealed class SetUserQuotaValidator : AbstractValidator<SetUserQuotaCommand>
{
    public SetUserQuotaValidator()
    {
        RuleFor(c => c.User).NotEmpty().WithMessage("The user name is required.")
            .MaximumLength(100).WithMessage("A user name is at most 100 characters.").OverridePropertyName("user");
        RuleFor(c => c.Slots).InclusiveBetween(1, 10_000).When(c => c.Slots is not null)
            .WithMessage(c => $"A slot quota is a whole number from 1 to 10000 (got {c.Slots}).").OverridePropertyName("slots");
    }
}

public sealed class SetUserQuotaHandler(IGrainFactory grains) : ICommandHandler<SetUserQuotaCommand, UserShare>
{
    public async ValueTask<UserShare> Handle(SetUserQuotaCommand command, CancellationToken ct) =>
        await grains.GetGrain<ISchedulerGrain>(0).SetQuota(command.User.Trim(), command.Slots);
}
