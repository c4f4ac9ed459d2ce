using System.Text.Json;
using System.Text.Json.Serialization;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Domain.Training.Isolation;
using CaptionBoundaries.Infrastructure.Configuration;

namespace CaptionBoundaries.Infrastructure.Training.Isolation;

/// <summary>
/// What a slot and its training worker say to each other. Parent to child, on stdin: the <see cref="WorkerRequest"/> as
/// the first line, then <see cref="Continue"/> or <see cref="Stop"/> after each epoch, or <see cref="Stop"/> at any time.
/// Child to parent, on stdout: <see cref="WorkerMessage"/> lines behind <see cref="Prefix"/> (any other line is the
/// child's log): heartbeats, epochs, batches of step losses and the ending. The child's stdin closing means its parent is gone: it exits at once, as it would have died with it.
/// </summary>
public static class WorkerProtocol
{
    public const string Verb = "worker-run";
    public const string Prefix = "@cb-worker ";
    public const string Continue = "continue";
    public const string Stop = "stop";

    /// <summary>Exit code of a worker whose parent went away (stdin closed).</summary>
    public const int OrphanedExitCode = 75;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Line(WorkerMessage message) => Prefix + JsonSerializer.Serialize(message, Json);

    public static WorkerMessage? Parse(string line) =>
        line.StartsWith(Prefix, StringComparison.Ordinal) ? JsonSerializer.Deserialize<WorkerMessage>(line[Prefix.Length..], Json) : null;
}

/// <summary>The run a worker trains: the queued experiment (its row exists), its spec and the slot's device.</summary>
public sealed record WorkerRequest(Guid ExperimentId, RunSpec Spec, string Device);

public enum WorkerMessageType
{
    /// <summary>Proof of life: sent when the worker is up and at most once a second while steps are made.</summary>
    Heartbeat,

    /// <summary>An epoch was recorded; the worker waits for <see cref="WorkerProtocol.Continue"/> or <see cref="WorkerProtocol.Stop"/>.</summary>
    Epoch,

    /// <summary>The run ended and its row says how; the worker exits next.</summary>
    Ended,

    /// <summary>Step losses the worker has just recorded, for live views; nothing is answered.</summary>
    Steps,
}

public sealed record WorkerMessage(WorkerMessageType Type)
{
    public EpochMetrics? Metrics { get; init; }

    /// <summary>With an epoch: the run's best checkpoint when this epoch is the best so far.</summary>
    public string? BestCheckpoint { get; init; }

    /// <summary>With the ending.</summary>
    public RunOutcome? Outcome { get; init; }

    /// <summary>With step losses.</summary>
    public IReadOnlyList<StepLoss>? Steps { get; init; }
}
