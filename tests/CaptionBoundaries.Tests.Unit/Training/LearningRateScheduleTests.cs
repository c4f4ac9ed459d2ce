using CaptionBoundaries.Domain.Training;

namespace CaptionBoundaries.Tests.Training;

/// <summary>
/// Each schedule against its formula at every step of a run, written out here independently of the implementation, plus
/// the landmarks a reader can check by eye (the warm-up's peak, half the rate halfway through a cosine, one-cycle's ends).
/// </summary>
public sealed class LearningRateScheduleTests
{
    private const double Lr = 0.01;

    [Fact]
    public void Constant_is_the_rate_at_every_step_and_warm_up_ramps_linearly_from_zero_to_it()
    {
        var plain = new LearningRateSchedule(LearningRateSchedule.Constant, Lr, totalSteps: 30, stepsPerEpoch: 10);
        for (var t = 1; t <= 30; t++) Assert.Equal(Lr, plain.At(t));

        var warm = new LearningRateSchedule(LearningRateSchedule.Constant, Lr, totalSteps: 30, stepsPerEpoch: 10, warmupSteps: 4);
        Assert.Equal([Lr / 4, Lr / 2, 3 * Lr / 4, Lr], Enumerable.Range(1, 4).Select(warm.At));
        for (var t = 5; t <= 30; t++) Assert.Equal(Lr, warm.At(t));
    }

    [Fact]
    public void Warm_up_then_cosine_follows_the_formula_at_every_step()
    {
        const int total = 57, warmup = 7;
        var schedule = new LearningRateSchedule(LearningRateSchedule.Cosine, Lr, total, stepsPerEpoch: 19, warmupSteps: warmup);
        for (var t = 1; t <= total; t++)
        {
            var expected = t <= warmup
                ? Lr * t / warmup
                : 0.5 * Lr * (1 + Math.Cos(Math.PI * (t - warmup - 1) / (total - warmup)));
            Assert.Equal(expected, schedule.At(t), 15);
        }
        Assert.Equal(Lr, schedule.At(warmup + 1), 15);
        Assert.Equal(Lr / 2, schedule.At(warmup + 1 + (total - warmup) / 2), 15);
        Assert.True(schedule.At(total) < Lr * 0.01);
        // Never increasing after the warm-up.
        for (var t = warmup + 2; t <= total; t++) Assert.True(schedule.At(t) <= schedule.At(t - 1));
    }

    [Fact]
    public void Step_multiplies_by_gamma_every_k_epochs_at_every_step()
    {
        const int perEpoch = 6, epochs = 9;
        var schedule = new LearningRateSchedule(LearningRateSchedule.Step, Lr, perEpoch * epochs, perEpoch, stepEpochs: 3, gamma: 0.5);
        for (var t = 1; t <= perEpoch * epochs; t++)
        {
            var epoch = (t - 1) / perEpoch + 1;
            var expected = epoch switch { <= 3 => Lr, <= 6 => Lr * 0.5, _ => Lr * 0.25 };
            Assert.Equal(expected, schedule.At(t), 15);
        }
    }

    [Fact]
    public void One_cycle_is_pytorchs_cosine_one_cycle_at_every_step()
    {
        const int total = 100;
        var schedule = new LearningRateSchedule(LearningRateSchedule.OneCycle, Lr, total, stepsPerEpoch: 10);
        // torch.optim.lr_scheduler.OneCycleLR(max_lr=Lr, total_steps=100), defaults: pct_start 0.3, div 25, final div 1e4,
        // anneal cos, two phases: up from Lr/25 over steps 0..29 (end = 0.3*100 - 1), then down to Lr/25/1e4 at step 99.
        double Cos(double from, double to, double pct) => to + (from - to) / 2 * (Math.Cos(Math.PI * pct) + 1);
        var initial = Lr / 25;
        var minimum = initial / 1e4;
        for (var t = 1; t <= total; t++)
        {
            var s = t - 1;
            var expected = s <= 29 ? Cos(initial, Lr, s / 29.0) : Cos(Lr, minimum, (s - 29) / 70.0);
            Assert.Equal(expected, schedule.At(t), 15);
        }
        Assert.Equal(initial, schedule.At(1), 15);
        Assert.Equal(Lr, schedule.At(30), 15);
        Assert.Equal(minimum, schedule.At(total), 15);
    }

    [Fact]
    public void Unknown_schedules_and_impossible_steps_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new LearningRateSchedule("exponential", Lr, 10, 5));
        var schedule = new LearningRateSchedule(LearningRateSchedule.Cosine, Lr, 10, 5);
        Assert.Throws<ArgumentOutOfRangeException>(() => schedule.At(0));
        // A step past the planned end (never reached by the trainer) stays at the schedule's last value.
        Assert.Equal(schedule.At(10), schedule.At(11), 15);
    }
}
