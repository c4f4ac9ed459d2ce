using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Grains.Abstractions;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace CaptionBoundaries.Serving;

/// <summary>
/// Where this node's served models run: on CUDA when the node's worker slots are CUDA slots (<c>Cluster:Device=cuda</c>),
/// else on the CPU. Resolved once when the silo starts, with one log line that says which and why; asking for CUDA where
/// none is visible stops start-up with that reason rather than failing the first prediction (no silent fallback to the CPU:
/// a GPU node that serves on its CPU is a misconfiguration to fix, not a slowdown to discover later).
/// </summary>
public sealed class ServingDevice
{
    private ServingDevice(Device device, string name, string reason)
    {
        Device = device;
        Name = name;
        Reason = reason;
    }

    public Device Device { get; }

    /// <summary>"cpu" or "cuda".</summary>
    public string Name { get; }

    /// <summary>Why this device: what the node's configuration says.</summary>
    public string Reason { get; }

    public bool IsCpu => Name == "cpu";

    public static ServingDevice Cpu { get; } = new(CPU, "cpu", "the default");

    /// <summary>The device for a node whose worker slots are <paramref name="slotDevice"/> ("cpu" or "cuda").</summary>
    public static ServingDevice For(string slotDevice, ILogger logger)
    {
        var name = slotDevice.Trim().ToLowerInvariant();
        ServingDevice chosen;
        if (name == "cuda")
        {
            try
            {
                // Serving shares the node's GPU with its training slots; batches are small, so one device is enough.
                chosen = new ServingDevice(DeviceSelection.Resolve("cuda"), "cuda",
                    $"this node's worker slots are cuda (Cluster:Device=cuda) and {cuda.device_count()} CUDA device(s) are visible");
            }
            catch (DomainException)
            {
                throw new InvalidOperationException(
                    "Serving cannot start on cuda: this node's worker slots are cuda (Cluster:Device=cuda) but no CUDA device is " +
                    "visible to this process. Set Cluster:Device=cpu (or --device cpu), or run this node on a machine with a GPU.");
            }
        }
        else if (name == "cpu")
        {
            chosen = new ServingDevice(CPU, "cpu", "this node's worker slots are cpu (Cluster:Device=cpu)");
        }
        else
        {
            throw new InvalidOperationException($"Serving cannot start: Cluster:Device is '{slotDevice}'; expected cpu or cuda.");
        }
        logger.LogInformation("Serving runs on {Device}: {Reason}.", chosen.Name, chosen.Reason);
        return chosen;
    }
}
