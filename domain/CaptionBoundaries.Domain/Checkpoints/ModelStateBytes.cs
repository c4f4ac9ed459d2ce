using TorchSharp;
using static TorchSharp.torch;

namespace CaptionBoundaries.Domain.Checkpoints;

/// <summary>Moves module and optimizer state in and out of byte arrays using TorchSharp's own format.</summary>
public static class ModelStateBytes
{
    public static byte[] Save(nn.Module module)
    {
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            module.save(writer);
        }
        return memory.ToArray();
    }

    public static void Load(nn.Module module, byte[] state)
    {
        using var reader = new BinaryReader(new MemoryStream(state));
        module.load(reader, strict: true);
    }

    public static byte[] Save(TorchSharp.Modules.OptimizerHelper optimizer)
    {
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            optimizer.save_state_dict(writer);
        }
        return memory.ToArray();
    }

    public static void Load(TorchSharp.Modules.OptimizerHelper optimizer, byte[] state)
    {
        using var reader = new BinaryReader(new MemoryStream(state));
        optimizer.load_state_dict(reader);
    }
}
