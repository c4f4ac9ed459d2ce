namespace CaptionBoundaries.Domain.Monitoring;

/// <summary>Configuration section "Monitoring".</summary>
public sealed class MonitoringOptions
{
    public const string Section = "Monitoring";

    /// <summary>Log every served prediction (can also be switched at run time through the API).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A batch of log rows is written when this many are waiting…</summary>
    public int FlushBatchSize { get; set; } = 256;

    /// <summary>…or when the oldest waiting row is this old.</summary>
    public int FlushIntervalMs { get; set; } = 250;

    /// <summary>Rows the in-memory buffer holds; a full buffer makes serving wait for the writer rather than drop rows.</summary>
    public int BufferCapacity { get; set; } = 65_536;

    /// <summary>Extra URLs that receive drift alerts (the registry's webhooks, Registry:Webhooks, receive them too).</summary>
    public List<string> Webhooks { get; set; } = [];

    /// <summary>Settings of models that have none of their own.</summary>
    public DriftSettings Defaults { get; set; } = new();

    public void Validate()
    {
        if (FlushBatchSize is < 1 or > 100_000) throw new ArgumentException($"Monitoring:FlushBatchSize must be 1-100000, got {FlushBatchSize}.");
        if (FlushIntervalMs is < 1 or > 60_000) throw new ArgumentException($"Monitoring:FlushIntervalMs must be 1-60000, got {FlushIntervalMs}.");
        if (BufferCapacity < FlushBatchSize) throw new ArgumentException($"Monitoring:BufferCapacity ({BufferCapacity}) must be at least FlushBatchSize ({FlushBatchSize}).");
        var problems = Defaults.Problems().ToList();
        if (problems.Count > 0) throw new ArgumentException($"Monitoring:Defaults: {string.Join("; ", problems.Select(p => $"{p.Field}: {p.Message}"))}");
    }
}

/// <summary>How a model's windows are evaluated and when a score raises an alert.</summary>
public sealed record DriftSettings
{
    /// <summary>The last this-many predictions of a version form the window.</summary>
    public int WindowSize { get; init; } = 200;

    /// <summary>A window is evaluated each time this many new predictions arrived (and on an explicit flush).</summary>
    public int EvaluateEvery { get; init; } = 50;

    /// <summary>Fewer predictions than this and the window is not evaluated yet.</summary>
    public int MinWindow { get; init; } = 100;

    /// <summary>Most PSI bins (reference quantiles); fewer when the reference is small (about 20 values per bin).</summary>
    public int PsiBins { get; init; } = 10;

    /// <summary>PSI of the confidence distribution above this alerts (0.1 moderate, 0.25 significant shift).</summary>
    public double PsiThreshold { get; init; } = 0.25;

    /// <summary>Jensen-Shannon divergence (bits) of the predicted-class distribution above this alerts.</summary>
    public double ClassJsThreshold { get; init; } = 0.05;

    /// <summary>Chi-square homogeneity test of the class counts: a p-value below this alerts.</summary>
    public double ClassChi2Alpha { get; init; } = 0.001;

    /// <summary>Two-sample KS test of each input statistic: a p-value below this alerts.</summary>
    public double InputKsAlpha { get; init; } = 0.001;

    /// <summary>An open alert resolves after this many clean windows in a row.</summary>
    public int ResolveAfterCleanWindows { get; init; } = 3;

    public IEnumerable<(string Field, string Message)> Problems()
    {
        if (WindowSize is < 10 or > 100_000) yield return ("window_size", $"must be 10-100000, got {WindowSize}");
        if (EvaluateEvery < 1 || EvaluateEvery > WindowSize) yield return ("evaluate_every", $"must be 1-window_size ({WindowSize}), got {EvaluateEvery}");
        if (MinWindow < 10 || MinWindow > WindowSize) yield return ("min_window", $"must be 10-window_size ({WindowSize}), got {MinWindow}");
        if (PsiBins is < 2 or > 50) yield return ("psi_bins", $"must be 2-50, got {PsiBins}");
        if (!(PsiThreshold > 0 && PsiThreshold <= 10)) yield return ("psi_threshold", $"must be in (0, 10], got {PsiThreshold}");
        if (!(ClassJsThreshold > 0 && ClassJsThreshold <= 1)) yield return ("class_js_threshold", $"must be in (0, 1], got {ClassJsThreshold}");
        if (!(ClassChi2Alpha > 0 && ClassChi2Alpha < 1)) yield return ("class_chi2_alpha", $"must be in (0, 1), got {ClassChi2Alpha}");
        if (!(InputKsAlpha > 0 && InputKsAlpha < 1)) yield return ("input_ks_alpha", $"must be in (0, 1), got {InputKsAlpha}");
        if (ResolveAfterCleanWindows is < 1 or > 1000) yield return ("resolve_after_clean_windows", $"must be 1-1000, got {ResolveAfterCleanWindows}");
    }

    public static DriftSettings From(MonitoringSettingsRecord r) => new()
    {
        WindowSize = r.WindowSize,
        EvaluateEvery = r.EvaluateEvery,
        MinWindow = r.MinWindow,
        PsiBins = r.PsiBins,
        PsiThreshold = r.PsiThreshold,
        ClassJsThreshold = r.ClassJsThreshold,
        ClassChi2Alpha = r.ClassChi2Alpha,
        InputKsAlpha = r.InputKsAlpha,
        ResolveAfterCleanWindows = r.ResolveAfterCleanWindows,
    };

    public void CopyTo(MonitoringSettingsRecord r)
    {
        r.WindowSize = WindowSize;
        r.EvaluateEvery = EvaluateEvery;
        r.MinWindow = MinWindow;
        r.PsiBins = PsiBins;
        r.PsiThreshold = PsiThreshold;
        r.ClassJsThreshold = ClassJsThreshold;
        r.ClassChi2Alpha = ClassChi2Alpha;
        r.InputKsAlpha = InputKsAlpha;
        r.ResolveAfterCleanWindows = ResolveAfterCleanWindows;
    }
}
