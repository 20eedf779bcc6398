using ApprovalOrchestrator.Runtime.Definitions;
using ApprovalOrchestrator.Runtime.Engine;
using ApprovalOrchestrator.Runtime.Execution;
using ApprovalOrchestrator.Runtime.Messaging;
using ApprovalOrchestrator.Runtime.Requests;
using ApprovalOrchestrator.Runtime.Storage;
using ApprovalOrchestrator.Runtime.Timers;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;

namespace ApprovalOrchestrator.Runtime;

public static class RuntimeServiceCollectionExtensions
{
    /// <summary>
    /// The whole workflow runtime on one process: SQLite store, outbox/inbox, Quartz timers in the same file,
    /// the in-process bus, and the Gateway client.
    /// </summary>
    public static IServiceCollection AddApprovalOrchestrator(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        var connectionString = configuration.GetConnectionString("Approvals") ?? StorageOptions.DefaultConnectionString;
        services.Configure<StorageOptions>(o => o.ConnectionString = connectionString);
        services.Configure<WorkflowsOptions>(configuration.GetSection(WorkflowsOptions.Section));

        services.AddSingleton<SqliteDatabase>();
        services.AddSingleton<DefinitionCatalog>();
        services.AddSingleton<DefinitionImportReport>();
        services.AddSingleton<DefinitionImporter>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<RunIdentity>();
        services.AddSingleton<WorkflowEngine>();
        services.AddSingleton<TimerScheduler>();
        services.AddSingleton<ExecutionRunner>();
        services.AddSingleton<RequestQueries>();
        services.AddGatewayClient(configuration);

        SqliteDatabase.InitializeProvider();
        var quartzConnection = SqliteDatabase.Normalize(connectionString);
        // Quartz keeps schedulers in a process-wide registry by name: one name per database (configurable for hosts sharing a process).
        var quartzProperties = new System.Collections.Specialized.NameValueCollection
        {
            ["quartz.scheduler.instanceName"] = configuration["Quartz:SchedulerName"] ?? "approval-orchestrator",
        };
        services.AddQuartz(quartzProperties, q =>
        {
            q.UsePersistentStore(store =>
            {
                store.UseSqlite(quartzConnection);
                store.UseSystemTextJsonSerializer();
                store.ProvisionSchema();
            });
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = false);

        services.AddMassTransit(bus =>
        {
            // Execution waits on the Gateway (seconds, or a minute on a cold start): give it its own generous limit so
            // slow calls never starve classification or timers, which are quick database steps.
            bus.AddConsumer<ClassifyConsumer>().Endpoint(e => { e.PrefetchCount = 8; e.ConcurrentMessageLimit = 8; });
            bus.AddConsumer<ExecuteConsumer>().Endpoint(e => { e.PrefetchCount = 64; e.ConcurrentMessageLimit = 64; });
            bus.AddConsumer<TimerFiredConsumer>().Endpoint(e => { e.PrefetchCount = 8; e.ConcurrentMessageLimit = 8; });
            bus.UsingInMemory((context, cfg) =>
            {
                // Transient faults (database busy) retry here; the recovery sweep is the backstop for anything dropped.
                cfg.UseMessageRetry(r => r.Exponential(5, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(200)));
                cfg.ConfigureEndpoints(context);
            });
        });

        services.AddHostedService<OutboxDispatcher>();
        services.AddHostedService<RecoveryService>();
        return services;
    }
}
