namespace CaptionBoundaries.TestPlugin.Empty;

/// <summary>
/// A public type that implements no plugin contract: the registry must report the assembly as having
/// no implementations rather than silently registering nothing.
/// </summary>
public sealed class NotAPlugin
{
    public string Name => "not_a_plugin";
}
