using ApprovalOrchestrator.Testing.ScaleOut;
using Dapper;
using Microsoft.Data.Sqlite;

namespace ApprovalOrchestrator.Benchmarks;

/// <summary>How many bytes the store takes, in all and per table or index: the SQLite file (dbstat) or PostgreSQL's relation sizes.</summary>
internal sealed class StoreSize(string store, string sqliteFile, ScratchPostgres? postgres)
{
    public Runtime.Storage.SqlDialect Dialect => postgres is null ? Runtime.Storage.Sqlite.SqliteDialect.Instance : Runtime.Storage.Postgres.PostgresDialect.Instance;

    public async Task<long> BytesAsync()
    {
        if (postgres is null)
        {
            return new FileInfo(sqliteFile).Length + (File.Exists(sqliteFile + "-wal") ? new FileInfo(sqliteFile + "-wal").Length : 0);
        }

        await using var connection = await postgres.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(
            "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = current_schema()");
    }

    /// <summary>Folds the WAL into the file (SQLite) or refreshes the planner's statistics as autovacuum would (PostgreSQL).</summary>
    public async Task SettleAsync()
    {
        if (postgres is null)
        {
            await using var sqlite = new SqliteConnection($"Data Source={sqliteFile}");
            await sqlite.OpenAsync();
            await sqlite.ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE)");
            return;
        }

        await using var connection = await postgres.OpenAsync();
        await connection.ExecuteAsync("VACUUM ANALYZE", commandTimeout: 1800);
    }

    /// <summary>One (key, id) row of <paramref name="sql"/>, read beside the running server.</summary>
    public async Task<(string Key, string Id)> RowAsync(string sql, int offset)
    {
        if (postgres is null)
        {
            await using var sqlite = new SqliteConnection($"Data Source={sqliteFile};Mode=ReadOnly");
            await sqlite.OpenAsync();
            return await sqlite.QuerySingleAsync<(string, string)>(sql, new { offset });
        }

        await using var connection = await postgres.OpenAsync();
        return await connection.QuerySingleAsync<(string, string)>(sql, new { offset });
    }

    /// <summary>The plan the store picks for <paramref name="sql"/> on the seeded data.</summary>
    public async Task<string> PlanAsync(string sql, object parameters)
    {
        if (postgres is null)
        {
            await using var sqlite = new SqliteConnection($"Data Source={sqliteFile};Mode=ReadOnly");
            await sqlite.OpenAsync();
            return string.Join(" | ", (await sqlite.QueryAsync<(long, long, long, string Detail)>($"EXPLAIN QUERY PLAN {sql}", parameters)).Select(r => r.Detail));
        }

        await using var connection = await postgres.OpenAsync();
        return string.Join("\n          ", await connection.QueryAsync<string>($"EXPLAIN {sql}", parameters));
    }

    /// <summary>Tables and indexes, largest first.</summary>
    public async Task<IReadOnlyList<(string Name, long Bytes)>> ByObjectAsync()
    {
        if (postgres is null)
        {
            // The bundled SQLite is built without the dbstat table; the sqlite3 shell usually has it.
            var objects = (await SqliteShellAsync("SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC")).ToList();
            // Pages freed by deletes (the last batch's outbox and notification rows) are in the file but in no object:
            // later writes reuse them, so at any N they are about one batch's worth.
            await using var sqlite = new SqliteConnection($"Data Source={sqliteFile};Mode=ReadOnly");
            await sqlite.OpenAsync();
            var free = await sqlite.ExecuteScalarAsync<long>("PRAGMA freelist_count") * await sqlite.ExecuteScalarAsync<long>("PRAGMA page_size");
            objects.Add(("(free pages, reused by later writes)", free));
            return objects.OrderByDescending(o => o.Item2).ToList();
        }

        await using var connection = await postgres.OpenAsync();
        return (await connection.QueryAsync<(string, long)>(
            """
            SELECT c.relname, pg_relation_size(c.oid) + COALESCE(pg_relation_size(c.reltoastrelid), 0) AS bytes
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'i') AND n.nspname = current_schema() ORDER BY bytes DESC
            """)).ToList();
    }

    public override string ToString() => store;

    private async Task<IReadOnlyList<(string, long)>> SqliteShellAsync(string sql)
    {
        var start = new System.Diagnostics.ProcessStartInfo("sqlite3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-readonly");
        start.ArgumentList.Add(sqliteFile);
        start.ArgumentList.Add(sql);
        try
        {
            using var shell = System.Diagnostics.Process.Start(start)!;
            var output = await shell.StandardOutput.ReadToEndAsync();
            await shell.WaitForExitAsync();
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split('|'))
                .Where(parts => parts.Length == 2 && long.TryParse(parts[1], out _))
                .Select(parts => (parts[0], long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)))
                .ToList();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return [("(no sqlite3 shell for a breakdown)", 0)];
        }
    }
}
