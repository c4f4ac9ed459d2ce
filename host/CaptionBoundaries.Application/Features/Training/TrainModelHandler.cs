using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Infrastructure.Training;
using Mediator;

namespace CaptionBoundaries.Application.Features.Training;

/// <summary>
/// In-process training (the CLI): queues and runs at once, with no scheduler between the two steps.
/// Bad input is refused before anything is stored; from the moment the experiment row exists every outcome
/// (completed, failed with the reason, cancelled) is written to it.
/// </summary>
public sealed class TrainModelHandler(ExperimentRunner runner, Domain.Security.ActorContext actors) : ICommandHandler<TrainModelCommand, TrainModelResult>
{
    public async ValueTask<TrainModelResult> Handle(TrainModelCommand command, CancellationToken cancellationToken)
    {
        var experimentId = Guid.NewGuid();
        var spec = command.Spec with { Owner = actors.Current.Name };
        await runner.QueueAsync(experimentId, spec, cancellationToken);
        return await runner.RunAsync(experimentId, spec, command.Observers, cancellationToken);
    }
}
