using ApprovalOrchestrator.Runtime.Timers;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace ApprovalOrchestrator.Runtime.Storage.Sqlite;

/// <summary>
/// The embedded default: one SQLite file, one process owns it. Timers fire from our own rows (<see cref="DueTimeScheduler"/>),
/// not Quartz: Quartz's SQLite store spent its time in lock transactions competing with our writer (docs/performance.md).
/// </summary>
internal static class SqliteStorage
{
    /// <summary>Registers the database and its timer scheduler; no Quartz job store (null).</summary>
    public static Action<IPersistentStoreBuilder>? Add(IServiceCollection services)
    {
        services.AddSingleton<SqliteDatabase>();
        services.AddSingleton<Database>(sp => sp.GetRequiredService<SqliteDatabase>());
        SqliteDatabase.InitializeProvider();
        services.AddSingleton<DueTimeScheduler>();
        services.AddSingleton<TimerScheduler>(sp => sp.GetRequiredService<DueTimeScheduler>());
        services.AddHostedService<DueTimerService>();
        return null;
    }
}
