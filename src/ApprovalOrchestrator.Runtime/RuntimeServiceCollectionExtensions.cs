using ApprovalOrchestrator.Application;
using ApprovalOrchestrator.Application.Approvals;
using ApprovalOrchestrator.Application.Delegation;
using ApprovalOrchestrator.Application.Workflow;
using ApprovalOrchestrator.Runtime.Definitions;
using ApprovalOrchestrator.Runtime.Engine;
using ApprovalOrchestrator.Runtime.Execution;
using ApprovalOrchestrator.Runtime.Messaging;
using ApprovalOrchestrator.Runtime.Requests;
using ApprovalOrchestrator.Runtime.Storage;
using ApprovalOrchestrator.Runtime.Timers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;

namespace ApprovalOrchestrator.Runtime;

public static class RuntimeServiceCollectionExtensions
{
    /// <summary>
    /// The whole workflow runtime: the store (SQLite by default, or PostgreSQL shared by several servers: Storage:Provider), outbox/inbox, timers (fired from our own rows on SQLite, by clustered Quartz on PostgreSQL),
    /// the bus (in-memory or RabbitMQ, <see cref="BusOptions"/>), and the Gateway client.
    /// </summary>
    public static IServiceCollection AddApprovalOrchestrator(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        var quartzStore = StorageRegistration.AddDatabase(services, configuration);
        services.Configure<WorkflowsOptions>(configuration.GetSection(WorkflowsOptions.Section));

        services.AddSingleton<DatabaseOwnership>();
        // Groups from configuration (Directory:Groups); with none configured, group checks are skipped.
        services.TryAddSingleton<IApproverGroupDirectory>(_ => new ConfiguredGroupDirectory(configuration));
        services.AddSingleton<DefinitionCatalog>();
        services.AddSingleton<RecordedRequests>();
        services.AddSingleton<DefinitionImportReport>();
        services.AddSingleton<DefinitionImporter>();
        services.AddSingleton<Bindings.BindingCatalog>();
        services.AddSingleton<Bindings.WorkflowSelector>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<RunIdentity>();
        services.AddSingleton<WorkflowEngine>();
        services.AddSingleton<ExecutionRunner>();
        services.Configure<EngineOptions>(o =>
        {
            configuration.GetSection(EngineOptions.Section).Bind(o);
            o.Roles = NodeRoles.Parse(configuration[NodeRoles.Key]);
        });
        services.AddSingleton<LocalExecutions>();
        services.AddHostedService<LocalExecutionService>();
        ExecutionLeaseOptions.Register(services, configuration);
        services.AddSingleton<RequestQueries>();
        services.AddSingleton<Operations.OperationsQueries>();
        services.Configure<Application.Approvals.ApprovalsOptions>(configuration.GetSection(Application.Approvals.ApprovalsOptions.Section));
        services.AddSingleton<Approvals.DelegationStore>();
        // The use cases, and the ports of theirs this runtime implements.
        services.AddUseCases();
        services.AddSingleton<IWorkflowSteps, WorkflowSteps>();
        services.AddSingleton<ITaskDirectory, TaskDirectory>();
        services.AddSingleton<IDelegations>(sp => sp.GetRequiredService<Approvals.DelegationStore>());
        // The kill switch: stored halts, this node's view of them, and the watcher that refreshes it and releases.
        services.AddSingleton<Controls.HaltBoard>();
        services.AddSingleton<Controls.ExecutionControls>();
        services.AddSingleton<Application.Controls.IExecutionControls>(sp => sp.GetRequiredService<Controls.ExecutionControls>());
        services.AddSingleton<Controls.HaltWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<Controls.HaltWatcher>());
        services.Configure<Identity.AuthOptions>(configuration.GetSection(Identity.AuthOptions.Section));
        services.Configure<Identity.SecurityLogOptions>(configuration.GetSection(Identity.SecurityLogOptions.Section));
        services.AddSingleton<Identity.SecurityEventLog>();
        services.AddHostedService<Identity.SecurityEventWriter>();
        services.TryAddSingleton<Identity.IBearerTokenVerifier, Identity.NoTokenVerifier>();
        services.Configure<OutboxOptions>(configuration.GetSection(OutboxOptions.Section));
        services.AddSingleton<OutboxPoison>();
        services.Configure<Retention.RetentionOptions>(configuration.GetSection(Retention.RetentionOptions.Section));
        services.AddSingleton<Retention.RetentionPurge>();
        services.AddHostedService(sp => sp.GetRequiredService<Retention.RetentionPurge>());
        services.Configure<Audit.AuditLogOptions>(configuration.GetSection(Audit.AuditLogOptions.Section));
        services.AddHttpClient(Audit.CheckpointService.WitnessClient, c => c.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<Audit.CheckpointService>();
        services.AddSingleton<Audit.EvidenceBuilder>();
        services.AddSingleton<Audit.RetentionService>();
        services.AddHostedService<Audit.CheckpointScheduler>();
        services.AddGatewayClient(configuration);

        if (quartzStore is not null)
        {
            // PostgreSQL: Quartz, clustered across the servers (PostgresStorage). Quartz keeps schedulers in a process-wide
            // registry by name: one name per database (configurable for hosts sharing a process).
            var quartzProperties = new System.Collections.Specialized.NameValueCollection
            {
                ["quartz.scheduler.instanceName"] = configuration["Quartz:SchedulerName"] ?? "approval-orchestrator",
            };
            services.AddQuartz(quartzProperties, q =>
            {
                q.UsePersistentStore(store =>
                {
                    quartzStore(store);
                    store.UseSystemTextJsonSerializer();
                    store.ProvisionSchema();
                });
            });
            services.AddQuartzHostedService(o => o.WaitForJobsToComplete = false);
        }

        // Quartz runs in every process whatever its roles: a firing only writes a TimerFired outbox row, consumed by the
        // process that has the timers role. On SQLite the one process that owns the file fires its timers itself.
        services.AddOrchestratorBus(configuration);

        services.AddHostedService<OutboxDispatcher>();
        Notifications.NotificationsServiceCollectionExtensions.AddNotifications(services, configuration);
        services.AddHostedService<RecoveryService>();
        return services;
    }
}
