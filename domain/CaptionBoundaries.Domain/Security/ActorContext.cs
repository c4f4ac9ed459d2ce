namespace CaptionBoundaries.Domain.Security;

/// <summary>
/// The actor of the current scope (one HTTP request, one console request, one CLI command). Hosts set it where they
/// authenticate; until then it is the host's default: anonymous for the server, the local operator for the CLI.
/// </summary>
public sealed class ActorContext(DefaultActor fallback)
{
    private Actor? _current;

    public Actor Current
    {
        get => _current ?? fallback.Actor;
        set => _current = value;
    }
}

/// <summary>The actor a scope has before anyone sets one (registered by the host).</summary>
public sealed record DefaultActor(Actor Actor);
