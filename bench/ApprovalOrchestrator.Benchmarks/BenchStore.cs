using ApprovalOrchestrator.Testing.ScaleOut;

namespace ApprovalOrchestrator.Benchmarks;

/// <summary>
/// Where a benchmark's server keeps its data: a fresh SQLite file in the run's folder (the embedded default), or a fresh
/// PostgreSQL database on the server <c>AO_POSTGRES_URL</c> names (dropped on dispose).
/// </summary>
internal sealed class BenchStore : IAsyncDisposable
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    private readonly ScratchPostgres? _postgres;

    private BenchStore(string kind, IReadOnlyDictionary<string, string?> settings, string description, ScratchPostgres? postgres)
    {
        Kind = kind;
        Settings = settings;
        Description = description;
        _postgres = postgres;
    }

    public string Kind { get; }

    /// <summary>The server settings that put it on this store.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    public string Description { get; }

    public string? SqliteFile => Kind == Sqlite ? Settings["ConnectionStrings:Approvals"]!["Data Source=".Length..] : null;

    public string? PostgresConnectionString => _postgres?.ConnectionString;

    public static async Task<BenchStore> CreateAsync(string kind, string directory, string name = "approvals")
    {
        if (kind == Sqlite)
        {
            var file = Path.Combine(directory, name + ".db");
            return new BenchStore(kind, new Dictionary<string, string?> { ["ConnectionStrings:Approvals"] = $"Data Source={file}" }, $"SQLite {file}", null);
        }

        var database = await ScratchPostgres.CreateAsync("ao_bench_");
        return new BenchStore(kind, ClusterSettings.Postgres(database.ConnectionString, directory), $"PostgreSQL database {database.Name}", database);
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
