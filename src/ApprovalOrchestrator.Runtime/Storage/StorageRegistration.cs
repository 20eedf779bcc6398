using ApprovalOrchestrator.Runtime.Storage.Postgres;
using ApprovalOrchestrator.Runtime.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace ApprovalOrchestrator.Runtime.Storage;

/// <summary>
/// Picks the provider from <c>Storage:Provider</c> and registers its <see cref="Database"/>; the same choice tells Quartz
/// where its job store lives (the same database: SQLite file, or PostgreSQL clustered across the servers).
/// </summary>
public static class StorageRegistration
{
    public static string ProviderOf(IConfiguration configuration)
    {
        var value = configuration[$"{StorageOptions.Section}:Provider"];
        var provider = string.IsNullOrWhiteSpace(value) ? StorageOptions.Sqlite : value.Trim().ToLowerInvariant();
        return provider is StorageOptions.Sqlite or StorageOptions.Postgres
            ? provider
            : throw new InvalidOperationException($"Storage:Provider must be 'sqlite' (the default) or 'postgres', not '{value}'.");
    }

    /// <summary>
    /// Registers the database and its timer scheduler, and returns the Quartz job-store configuration for the same provider
    /// (null on SQLite, whose timers fire from our own rows without Quartz).
    /// </summary>
    public static Action<IPersistentStoreBuilder>? AddDatabase(IServiceCollection services, IConfiguration configuration)
    {
        var provider = ProviderOf(configuration);
        var connectionString = configuration.GetConnectionString("Approvals")
            ?? (provider == StorageOptions.Sqlite
                ? StorageOptions.DefaultConnectionString
                : throw new InvalidOperationException("Storage:Provider=postgres needs ConnectionStrings:Approvals (e.g. ConnectionStrings__Approvals=\"Host=db;Database=approvals;Username=ao;Password=...\")."));
        services.Configure<StorageOptions>(o =>
        {
            o.Provider = provider;
            o.ConnectionString = connectionString;
            o.DataDirectory = configuration[$"{StorageOptions.Section}:DataDirectory"];
        });
        return provider == StorageOptions.Sqlite
            ? SqliteStorage.Add(services)
            : PostgresStorage.Add(services, configuration, connectionString);
    }
}
