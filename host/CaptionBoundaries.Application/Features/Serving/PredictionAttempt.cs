namespace CaptionBoundaries.Application.Features.Serving;

/// <summary>
/// Whether this request's prediction was handed to the predictor grain (one per request scope). The grain counts every
/// request it receives, answered or failed; the edge counts the failures that never got there (refused input, unknown
/// or hidden model, role, rate limit, body too large), and reads this to count nothing twice.
/// </summary>
public sealed class PredictionAttempt
{
    private int _reached;

    public bool ReachedPredictor => Volatile.Read(ref _reached) == 1;

    public void Reached() => Volatile.Write(ref _reached, 1);

    /// <summary>The call never ran in the grain (the cluster refused the message), so the grain counted nothing.</summary>
    public void NotDelivered() => Volatile.Write(ref _reached, 0);
}
