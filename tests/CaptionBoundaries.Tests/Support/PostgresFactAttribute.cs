namespace CaptionBoundaries.Tests.Support;

/// <summary>
/// A test that needs the real PostgreSQL server: skipped (and says so) when <see cref="PostgresServer.EnvironmentVariable"/>
/// is not set, as on a developer machine without one; CI (`.ci/run`) always sets it, so there it always runs.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(PostgresServer.EnvironmentVariable)))
            Skip = $"{PostgresServer.EnvironmentVariable} is not set (bash .ci/run starts PostgreSQL and sets it).";
    }
}
