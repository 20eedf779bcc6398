using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace ApprovalOrchestrator.Runtime.Storage.Sqlite;

/// <summary>The embedded default: one SQLite file holds our tables and Quartz's; one process owns it.</summary>
internal static class SqliteStorage
{
    public static Action<IPersistentStoreBuilder> Add(IServiceCollection services, string connectionString)
    {
        services.AddSingleton<SqliteDatabase>();
        services.AddSingleton<Database>(sp => sp.GetRequiredService<SqliteDatabase>());
        SqliteDatabase.InitializeProvider();
        var quartzConnection = SqliteDatabase.Normalize(connectionString);
        return store => store.UseSqlite(quartzConnection);
    }
}
