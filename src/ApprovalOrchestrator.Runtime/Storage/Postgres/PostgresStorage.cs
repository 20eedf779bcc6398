using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ApprovalOrchestrator.Runtime.Timers;
using Quartz;

namespace ApprovalOrchestrator.Runtime.Storage.Postgres;

/// <summary>
/// Scale-out: every server shares one PostgreSQL database, and Quartz runs clustered on it, so a timer fires on exactly
/// one node and the timers of a node that stopped checking in are taken over by another (docs/scale-out.md).
/// </summary>
internal static class PostgresStorage
{
    /// <summary><c>Quartz:ClusterCheckinSeconds</c>: how often a node tells the others it is alive (and how soon a dead one is noticed).</summary>
    public const string CheckinKey = "Quartz:ClusterCheckinSeconds";

    public static Action<IPersistentStoreBuilder> Add(IServiceCollection services, IConfiguration configuration, string connectionString)
    {
        var normalized = PostgresDatabase.Normalize(connectionString);
        services.AddSingleton<PostgresDatabase>();
        services.AddSingleton<Database>(sp => sp.GetRequiredService<PostgresDatabase>());
        services.AddSingleton<TimerScheduler, QuartzTimerScheduler>();
        var checkin = configuration.GetValue<double?>(CheckinKey) ?? 5;
        if (checkin is <= 0 or > 600)
        {
            throw new InvalidOperationException($"{CheckinKey} must be between 0 and 600 seconds, not {checkin}.");
        }

        return store =>
        {
            store.UsePostgres(NpgsqlFactory.Instance, normalized);
            store.UseClustering(c =>
            {
                c.CheckinInterval = TimeSpan.FromSeconds(checkin);
                c.CheckinMisfireThreshold = TimeSpan.FromSeconds(checkin * 2);
            });
        };
    }
}
