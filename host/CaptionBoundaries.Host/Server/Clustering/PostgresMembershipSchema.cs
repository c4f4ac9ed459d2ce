using Npgsql;

namespace CaptionBoundaries.Host.Server.Clustering;

/// <summary>
/// The tables and named queries Orleans' ADO.NET clustering needs in PostgreSQL, created by the first node that starts
/// (the NuGet package ships none). Orleans reads its queries from the OrleansQuery table by key and binds parameters
/// and result columns by name, so only those names are the contract; the SQL is the project's own.
/// Every write of a membership row is checked against the table version (optimistic concurrency): the version row is
/// locked first, so of two silos writing with the same version one wins and the other gets 0 and retries.
/// </summary>
public static class PostgresMembershipSchema
{
    private const long AdvisoryLockKey = 0x43_42_4D_45_4D; // "CBMEM": one node at a time creates the schema

    private const string Tables = """
        CREATE TABLE IF NOT EXISTS OrleansQuery (
            QueryKey varchar(64) NOT NULL PRIMARY KEY,
            QueryText text NOT NULL);
        CREATE TABLE IF NOT EXISTS orleans_membership_version (
            deployment_id varchar(150) NOT NULL PRIMARY KEY,
            version integer NOT NULL DEFAULT 0,
            changed_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE IF NOT EXISTS orleans_membership (
            deployment_id varchar(150) NOT NULL REFERENCES orleans_membership_version (deployment_id),
            address varchar(45) NOT NULL,
            port integer NOT NULL,
            generation integer NOT NULL,
            silo_name varchar(150) NOT NULL,
            host_name varchar(150) NOT NULL,
            status integer NOT NULL,
            proxy_port integer NOT NULL DEFAULT 0,
            suspect_times text NULL,
            start_time timestamptz NOT NULL,
            i_am_alive_time timestamptz NOT NULL,
            PRIMARY KEY (deployment_id, address, port, generation));
        """;

    private const string MemberColumns = """
        v.deployment_id AS "DeploymentId", m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
        m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort",
        m.suspect_times AS "SuspectTimes", m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime", v.version AS "Version"
        """;

    private const string SameSilo = "m.address = @Address AND m.port = @Port AND m.generation = @Generation";

    // Locks the version row only if it still has the version the caller read.
    private const string ExpectedVersion = """
        expected AS (
            SELECT deployment_id FROM orleans_membership_version
            WHERE deployment_id = @DeploymentId AND version = @Version
            FOR UPDATE)
        """;

    private const string BumpVersion = """
        bumped AS (
            UPDATE orleans_membership_version v SET version = v.version + 1, changed_at = now()
            FROM changed WHERE v.deployment_id = changed.deployment_id
            RETURNING 1)
        SELECT count(*)::int FROM bumped;
        """;

    /// <summary>Query key (fixed by Orleans) -> our SQL for it.</summary>
    public static readonly IReadOnlyDictionary<string, string> Queries = new Dictionary<string, string>
    {
        ["InsertMembershipVersionKey"] = """
            WITH inserted AS (
                INSERT INTO orleans_membership_version (deployment_id) VALUES (@DeploymentId)
                ON CONFLICT (deployment_id) DO NOTHING RETURNING 1)
            SELECT count(*)::int FROM inserted;
            """,
        ["InsertMembershipKey"] = $"""
            WITH {ExpectedVersion},
            changed AS (
                INSERT INTO orleans_membership (deployment_id, address, port, generation, silo_name, host_name, status,
                                                proxy_port, start_time, i_am_alive_time)
                SELECT deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort,
                       @StartTime, @IAmAliveTime
                FROM expected
                ON CONFLICT DO NOTHING RETURNING deployment_id),
            {BumpVersion}
            """,
        ["UpdateMembershipKey"] = $"""
            WITH {ExpectedVersion},
            changed AS (
                UPDATE orleans_membership m SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime
                FROM expected WHERE m.deployment_id = expected.deployment_id AND {SameSilo}
                RETURNING m.deployment_id),
            {BumpVersion}
            """,
        ["UpdateIAmAlivetimeKey"] = $"""
            UPDATE orleans_membership m SET i_am_alive_time = @IAmAliveTime
            WHERE m.deployment_id = @DeploymentId AND {SameSilo};
            """,
        ["MembershipReadRowKey"] = $"""
            SELECT {MemberColumns}
            FROM orleans_membership_version v
            LEFT JOIN orleans_membership m ON m.deployment_id = v.deployment_id AND {SameSilo}
            WHERE v.deployment_id = @DeploymentId;
            """,
        ["MembershipReadAllKey"] = $"""
            SELECT {MemberColumns}
            FROM orleans_membership_version v
            LEFT JOIN orleans_membership m ON m.deployment_id = v.deployment_id
            WHERE v.deployment_id = @DeploymentId;
            """,
        ["GatewaysQueryKey"] = """
            SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
            FROM orleans_membership
            WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0;
            """,
        ["DeleteMembershipTableEntriesKey"] = """
            DELETE FROM orleans_membership WHERE deployment_id = @DeploymentId;
            DELETE FROM orleans_membership_version WHERE deployment_id = @DeploymentId;
            """,
        // Rows of silos that are not active and have not said they are alive since the cut-off.
        ["CleanupDefunctSiloEntriesKey"] = """
            DELETE FROM orleans_membership
            WHERE deployment_id = @DeploymentId AND i_am_alive_time < @IAmAliveTime AND status <> 3;
            """,
        // One dead silo's row (Orleans has checked its times against the cut-off; a dead silo never comes back).
        ["CleanupDefunctSiloEntryKey"] = $"""
            DELETE FROM orleans_membership m
            WHERE m.deployment_id = @DeploymentId AND {SameSilo} AND m.status = 6;
            """,
    };

    /// <summary>Creates what is missing and brings the stored queries in step with this version; safe to run on every start.</summary>
    public static async Task EnsureAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await Execute(connection, transaction, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey});", ct);
        await Execute(connection, transaction, Tables, ct);
        foreach (var (key, text) in Queries)
        {
            await using var upsert = new NpgsqlCommand(
                "INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES (@key, @text) " +
                "ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;", connection, transaction);
            upsert.Parameters.AddWithValue("key", key);
            upsert.Parameters.AddWithValue("text", text);
            await upsert.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(ct);
    }
}
