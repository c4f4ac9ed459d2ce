using CaptionBoundaries.Contracts;
using CaptionBoundaries.Grains.Abstractions;

namespace CaptionBoundaries.Serving;

/// <summary>One request waiting in a version's batch queue; the batcher owns (and disposes) its input tensors.</summary>
internal sealed record PendingForward(CaptionInputs Inputs)
{
    // Asynchronous continuations: the batch worker must not run a caller's (grain's) code inline on its thread.
    public TaskCompletionSource<float[]> Probabilities { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
