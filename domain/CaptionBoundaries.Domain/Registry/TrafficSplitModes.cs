namespace CaptionBoundaries.Domain.Registry;

/// <summary>How a candidate version takes part in a model's traffic.</summary>
public static class TrafficSplitModes
{
    /// <summary>Answers a share of production's requests itself (the client gets the candidate's answer).</summary>
    public const string Canary = "canary";

    /// <summary>Computes on a copy of production's requests; the client only ever gets production's answer.</summary>
    public const string Shadow = "shadow";

    public static bool IsKnown(string? mode) => mode is Canary or Shadow;
}
