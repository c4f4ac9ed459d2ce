using System.CommandLine;
using System.Text.Json;
using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Application.Features.Training;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Domain.Training.Isolation;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Tracking;
using CaptionBoundaries.Infrastructure.Training;
using CaptionBoundaries.Infrastructure.Training.Isolation;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Host.Cli.Commands;

/// <summary>
/// `worker-run` (hidden): one queued run, trained in this process for a supervising worker slot, speaking
/// <see cref="WorkerProtocol"/> on stdin and stdout. Started by the slot with the node's settings in its environment;
/// not meant to be typed.
/// </summary>
public static class WorkerRunCommand
{
    public static Command Create()
    {
        var command = new Command(WorkerProtocol.Verb, "Trains one queued run for a worker slot (internal).") { Hidden = true };
        command.SetAction(async (parse, ct) =>
        {
            var output = Console.Out;
            var writeLock = new object();
            void Say(WorkerMessage message)
            {
                lock (writeLock)
                {
                    output.WriteLine(WorkerProtocol.Line(message));
                    output.Flush();
                }
            }

            var first = Console.In.ReadLine();
            if (first is null) return WorkerProtocol.OrphanedExitCode;
            var request = JsonSerializer.Deserialize<WorkerRequest>(first, WorkerProtocol.Json)
                ?? throw new InvalidOperationException("worker-run: the first stdin line must be the run request.");
            using var stop = new CancellationTokenSource();
            var answers = new SemaphoreSlim(0);
            // The parent's orders; stdin closing means the parent is gone, and a worker dies with its node.
            _ = Task.Run(() =>
            {
                while (Console.In.ReadLine() is { } line)
                {
                    if (line == WorkerProtocol.Stop) stop.Cancel();
                    answers.Release();
                }
                Environment.Exit(WorkerProtocol.OrphanedExitCode);
            });

            await using var services = await CliServices.BuildAsync(parse, ct, migrate: false);
            await using var scope = services.CreateAsyncScope();
            var runner = scope.ServiceProvider.GetRequiredService<ExperimentRunner>();
            var bestPath = Path.Combine(scope.ServiceProvider.GetRequiredService<CaptionBoundariesOptions>().ExperimentFolder(request.ExperimentId), Trainer.BestKind + ".pt");
            Say(new WorkerMessage(WorkerMessageType.Heartbeat));
            var heartbeat = new Heartbeat(() => Say(new WorkerMessage(WorkerMessageType.Heartbeat)));
            // The slot forwards each epoch to the experiment grain and answers continue or stop: as in-process, the next
            // epoch waits until this one is reported.
            var observers = new RunObservers(heartbeat, epoch =>
                {
                    Say(new WorkerMessage(WorkerMessageType.Epoch)
                    {
                        Metrics = EpochMetrics.Of(request.ExperimentId, epoch),
                        BestCheckpoint = epoch.IsBest ? bestPath : null,
                    });
                    answers.Wait();
                })
            {
                // Recorded already; the slot passes them on to live views without answering.
                OnSteps = steps => Say(new WorkerMessage(WorkerMessageType.Steps) { Steps = steps }),
            };
            var result = await runner.RunAsync(request.ExperimentId, request.Spec with { Device = request.Device }, observers, stop.Token);
            Say(new WorkerMessage(WorkerMessageType.Ended)
            {
                Outcome = RunOutcome.Of(result),
            });
            return 0;
        });
        return command;
    }

    /// <summary>At most one heartbeat a second, sent from the training thread as steps complete (a hung step sends none).</summary>
    private sealed class Heartbeat(Action send) : IProgress<TrainingProgress>
    {
        private long _last;

        public void Report(TrainingProgress value)
        {
            var now = Environment.TickCount64;
            if (now - Interlocked.Read(ref _last) < 1000) return;
            Interlocked.Exchange(ref _last, now);
            send();
        }
    }
}
