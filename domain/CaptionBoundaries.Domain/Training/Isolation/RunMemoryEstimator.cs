using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Plugins;

namespace CaptionBoundaries.Domain.Training.Isolation;

/// <summary>
/// Estimates a run's peak memory from its architecture, batch size, image size and dataset, and refuses runs that
/// would not fit this node's <see cref="TrainingOptions.MaxRunMemoryBytes"/>: the validators of a training command, an
/// experiment start and a sweep start all ask it, so a run at batch 4096 x 2048 px is a 400 with the figures, not an
/// out-of-memory kill an hour later.
/// </summary>
public sealed class RunMemoryEstimator(PluginRegistry plugins, TrainingOptions options)
{
    /// <summary>
    /// A worker process before any model exists: the .NET runtime, libtorch's CPU kernels and the plugins. Measured as the
    /// peak resident memory of `caption-boundaries train` with tiny_test_cnn (a few thousand parameters) at 32 px: 301 MiB.
    /// </summary>
    public const long WorkerBaselineBytes = 320 * ByteSize.MiB;

    /// <summary>
    /// Weights, gradients and AdamW's two moments (16 bytes) plus what checkpointing and validation copy of them. Measured
    /// with shared_backbone_resnet50 (30.4M parameters) at batch 2 x 96 px: 2117 MiB peak, less the worker and that batch's
    /// activations, is 59.6 bytes per parameter.
    /// </summary>
    public const int BytesPerParameter = 64;

    /// <summary>A prepared sample keeps its three RGB images as bytes at the run's image size.</summary>
    public const int DatasetBytesPerPixel = 3 * 3;

    // Counting parameters builds the module (hundreds of MB for a ResNet-50 triple); once per loaded architecture and config.
    private readonly ConditionalWeakTable<IModelArchitecture, ConcurrentDictionary<string, long>> _parameters = new();

    public long LimitBytes => options.MaxRunMemoryBytes;

    /// <summary>The estimate, or null when the architecture or its config is unknown (other rules report that).</summary>
    public RunMemoryEstimate? Estimate(RunSpec command)
    {
        if (!plugins.TryGetArchitecture(command.Architecture, out var architecture)) return null;
        ModelConfig config;
        try
        {
            config = architecture.DefaultConfig.MergeOverrides(command.ModelConfig, command.Architecture);
        }
        catch (ModelConfigException)
        {
            return null;
        }
        // A plan's stages may each set their own batch size: the largest one decides the peak.
        var batch = command.Stages.Select(s => s.BatchSize ?? command.BatchSize).Append(command.BatchSize).Max();
        var pixels = (long)command.ImageHeight * command.ImageWidth;
        var parameters = ParameterCount(architecture, config);
        return new RunMemoryEstimate(
            command.Architecture, batch, command.ImageHeight, command.ImageWidth,
            WorkerBaselineBytes,
            parameters * BytesPerParameter,
            (long)(batch * pixels * architecture.TrainingBytesPerPixel(config)),
            SampleCount(command.DatasetFolder) * pixels * DatasetBytesPerPixel);
    }

    /// <summary>
    /// Counts by building the module, without its pretrained weights (they change no count, and reading a file a request
    /// names is the worker's business once the path rules passed). Builds run one at a time and at most
    /// <see cref="MaxCachedCounts"/> configs per architecture are kept, so distinct configs cannot pile up models in memory.
    /// </summary>
    private long ParameterCount(IModelArchitecture architecture, ModelConfig config)
    {
        var withoutWeights = new ModelConfig(config.Values.Select(v =>
            v.Key == PretrainedWeights.ConfigKey ? new KeyValuePair<string, string>(v.Key, "") : v));
        var key = string.Join(';', withoutWeights.Values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key}={v.Value}"));
        var counts = _parameters.GetOrCreateValue(architecture);
        if (counts.TryGetValue(key, out var known)) return known;
        lock (_building)
        {
            if (counts.TryGetValue(key, out known)) return known;
            var total = architecture.CountParameters(withoutWeights).Total;
            if (counts.Count < MaxCachedCounts) counts[key] = total;
            return total;
        }
    }

    /// <summary>Distinct configs of one architecture whose counts are kept (a sweep over dropout and rank has a handful).</summary>
    public const int MaxCachedCounts = 256;

    private readonly object _building = new();

    /// <summary>The refusal message when the run's estimate exceeds this node's limit, else null.</summary>
    public string? Refusal(RunSpec command) =>
        Estimate(command) is { } estimate && estimate.TotalBytes > LimitBytes ? estimate.Refusal(LimitBytes) : null;

    private static long SampleCount(string folder)
    {
        try
        {
            return DatasetManifest.Load(folder).Samples.Count;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DatasetFormatException or ArgumentException)
        {
            return 0; // the dataset rule reports a folder that is not a dataset
        }
    }
}
