using TorchSharp;
using static TorchSharp.torch;

namespace CaptionBoundaries.Contracts;

/// <summary>
/// Loads backbone weights from a local file written by TorchSharp's <c>Module.save</c>.
/// Nothing is ever downloaded: a missing or mismatched file is an error naming the file.
/// </summary>
public static class PretrainedWeights
{
    public const string ConfigKey = "pretrained";

    public static void LoadInto(nn.Module backbone, string path)
    {
        if (!File.Exists(path))
            throw new ModelConfigException(ConfigKey, $"pretrained weights file '{path}' does not exist");
        try
        {
            backbone.load(path, strict: true);
        }
        catch (Exception e) when (e is not ModelConfigException)
        {
            throw new ModelConfigException(ConfigKey,
                $"pretrained weights file '{path}' does not fit backbone '{backbone.GetName()}': {e.Message}");
        }
    }
}
