namespace CaptionBoundaries.Domain.Training;

/// <summary>
/// Collects every optimiser step's loss and reports the mean over the samples of the last <paramref name="every"/> steps at
/// each step that is a multiple of it, and whatever is left at the end of the run (<see cref="Flush"/>), with the last
/// step's rate and gradient norms.
/// </summary>
public sealed class StepLossLog(int every, Action<StepLoss>? sink)
{
    private double _lossSum;
    private long _samples;
    private (long Step, int Epoch, double Lr, double Norm, double? Clipped) _last;

    /// <summary>One optimiser step: the summed per-sample loss of its <paramref name="samples"/> samples.</summary>
    public void Add(long step, int epoch, double lossSum, long samples, double learningRate, double gradNorm, double? clippedGradNorm)
    {
        if (sink is null) return;
        _lossSum += lossSum;
        _samples += samples;
        _last = (step, epoch, learningRate, gradNorm, clippedGradNorm);
        if (step % every == 0) Emit();
    }

    public void Flush()
    {
        if (_samples > 0) Emit();
    }

    private void Emit()
    {
        sink!(new StepLoss(_last.Step, _last.Epoch, _lossSum / _samples, _last.Lr, _last.Norm, _last.Clipped, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        _lossSum = 0;
        _samples = 0;
    }
}
