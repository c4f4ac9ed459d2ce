namespace CaptionBoundaries.Domain.Registry;

/// <summary>Configuration section "Registry".</summary>
public sealed class RegistryOptions
{
    public const string Section = "Registry";

    /// <summary>URLs that receive every registry change as a JSON POST (e.g. a chat bot or a deploy hook).</summary>
    public List<string> Webhooks { get; set; } = [];
}
