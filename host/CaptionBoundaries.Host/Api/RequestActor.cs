namespace CaptionBoundaries.Host.Api;

public static class RequestActor
{
    /// <summary>Who is asking, for the registry's change history: the X-User header until accounts exist.</summary>
    public static string Of(HttpContext http) =>
        http.Request.Headers.TryGetValue("X-User", out var user) && !string.IsNullOrWhiteSpace(user) ? user.ToString() : "anonymous";
}
