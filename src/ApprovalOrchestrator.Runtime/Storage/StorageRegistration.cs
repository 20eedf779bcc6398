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
            o.GroupCommitMaxSteps = PositiveInt(configuration, "GroupCommit:MaxSteps", o.GroupCommitMaxSteps);
            o.GroupCommitWriters = PositiveInt(configuration, "GroupCommit:Writers", o.GroupCommitWriters);
        });
        return provider == StorageOptions.Sqlite
            ? SqliteStorage.Add(services)
            : PostgresStorage.Add(services, configuration, connectionString);
    }

    private static int PositiveInt(IConfiguration configuration, string key, int fallback)
    {
        var value = configuration[$"{StorageOptions.Section}:{key}"];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 1000
            ? n
            : throw new InvalidOperationException($"{StorageOptions.Section}:{key} must be a whole number from 1 to 1000, not '{value}'.");
    }
}
