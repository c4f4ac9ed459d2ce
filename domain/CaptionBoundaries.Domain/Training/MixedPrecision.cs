using TorchSharp;

namespace CaptionBoundaries.Domain.Training;

/// <summary>
/// Whether a run trains in mixed precision. "auto" asks for it where the device supports it, which is CUDA only: on a CPU
/// it is always off. The TorchSharp this build uses (0.107) binds no autocast or gradient scaler, so on CUDA it stays off
/// too rather than half-casting a model by hand without loss scaling; the run records what it actually used.
/// </summary>
public static class MixedPrecision
{
    public const string Auto = "auto";
    public const string Off = "off";

    public static readonly IReadOnlyList<string> All = [Auto, Off];

    /// <summary>The value a run on <paramref name="device"/> actually trains with: "off" here, whatever was asked.</summary>
    public static string Effective(string requested, DeviceType device) => requested == Auto && device == DeviceType.CUDA && AutocastAvailable ? "on" : Off;

    /// <summary>False while the TorchSharp binding has no autocast (0.107 has none).</summary>
    public const bool AutocastAvailable = false;
}
