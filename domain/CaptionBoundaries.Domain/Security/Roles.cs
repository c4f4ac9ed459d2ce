namespace CaptionBoundaries.Domain.Security;

/// <summary>
/// The three roles, each including the ones below it: viewers read; researchers also train, sweep, register and
/// manage their own runs; admins also move production, manage plugins and users, and pre-empt.
/// </summary>
public static class Roles
{
    public const string Viewer = "viewer";
    public const string Researcher = "researcher";
    public const string Admin = "admin";

    /// <summary>Not a role anyone holds: marks the few requests open without credentials (the health check).</summary>
    public const string Anyone = "anyone";

    public static readonly IReadOnlyList<string> All = [Viewer, Researcher, Admin];

    public static int Rank(string role) => role switch
    {
        Admin => 3,
        Researcher => 2,
        Viewer => 1,
        _ => 0,
    };

    public static bool IsKnown(string role) => Rank(role) > 0;
}
