namespace CaptionBoundaries.Tests.Support;

/// <summary>
/// The real PostgreSQL server the suite also runs against. `.ci/run` starts one on 127.0.0.1 and exports
/// CAPTIONBOUNDARIES_TEST_POSTGRES; each test creates (and drops) its own database on it.
/// </summary>
public static class PostgresServer
{
    public const string EnvironmentVariable = "CAPTIONBOUNDARIES_TEST_POSTGRES";

    public static string ConnectionString(string database)
    {
        var server = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(server))
            throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set. Run the suite through `bash .ci/run`, which starts PostgreSQL on 127.0.0.1, " +
                $"or point {EnvironmentVariable} at a server, e.g. Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres.");
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(server) { Database = database };
        return builder.ConnectionString;
    }
}
