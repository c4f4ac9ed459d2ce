namespace CaptionBoundaries.Bench.Asha;

/// <summary>
/// Reports on the calling thread, in order: <see cref="Progress{T}"/> would post to the thread pool, and the live view
/// must see a trial's epochs before its end.
/// </summary>
internal sealed class ProgressRelay<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
