using System.Text.RegularExpressions;
using CaptionBoundaries.Domain.Errors;
using TorchSharp;
using static TorchSharp.torch;

namespace CaptionBoundaries.Domain.Common;

/// <summary>Turns a device option ("cpu", "cuda", "cuda:1") into a TorchSharp device, refusing CUDA where there is none.</summary>
public static partial class DeviceSelection
{
    [GeneratedRegex("^(cpu|cuda(:[0-9]+)?)$")]
    public static partial Regex Pattern();

    public static Device Resolve(string device)
    {
        var name = device.Trim().ToLowerInvariant();
        if (!Pattern().IsMatch(name))
            throw DomainException.Invalid($"Device '{device}' is not valid; use cpu, cuda or cuda:N.");
        if (name.StartsWith("cuda", StringComparison.Ordinal) && !cuda.is_available())
            throw DomainException.Invalid($"Device '{device}' was requested but CUDA is not available on this machine; use --device cpu.");
        return torch.device(name);
    }
}
