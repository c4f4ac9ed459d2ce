namespace CaptionBoundaries.Domain.Security;

/// <summary>Who is making a request: a signed-in user or token holder, the local operator of the CLI, or nobody.</summary>
public sealed record Actor(string Name, IReadOnlyList<string> Roles, bool IsAuthenticated, string? RemoteAddress = null)
{
    /// <summary>No credentials (or bad ones): may call nothing but the health check.</summary>
    public static readonly Actor Anonymous = new("anonymous", [], IsAuthenticated: false);

    /// <summary>
    /// The CLI run on the machine itself, against the database directly: whoever can read the database and the data
    /// folder already holds everything, so the local operator acts as an admin (named after the OS account).
    /// </summary>
    public static Actor LocalOperator { get; } = new($"{Environment.UserName}@local", [Security.Roles.Admin], IsAuthenticated: true, "local");

    /// <summary>The server's own start-up work (the demo dataset), audited under this name.</summary>
    public static Actor System { get; } = new("system", [Security.Roles.Admin], IsAuthenticated: true, "local");

    public int Rank => Roles.Count == 0 ? 0 : Roles.Max(Security.Roles.Rank);

    public bool Has(string role) => Rank >= Security.Roles.Rank(role);

    public bool IsAdmin => Has(Security.Roles.Admin);

    /// <summary>The CLI on the machine itself or the server's own work: not an account, not confined to the data folder.</summary>
    public bool IsLocal => RemoteAddress == "local";
}
