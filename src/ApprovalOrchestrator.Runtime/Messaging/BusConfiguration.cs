using ApprovalOrchestrator.Runtime.Approvals;
using ApprovalOrchestrator.Runtime.Intake;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Runtime.Messaging;

/// <summary>
/// The bus: the same consumers, queue names and retry policy on both transports. Durability does not come from the
/// transport but from our own outbox (publish after commit) and inbox (dedup by MessageId in the step's transaction).
/// </summary>
public static class BusConfiguration
{
    public static IServiceCollection AddOrchestratorBus(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(BusOptions.Section).Get<BusOptions>() ?? new BusOptions();
        var roles = NodeRoles.Parse(configuration[NodeRoles.Key]);
        services.AddSingleton(options);
        var prefix = options.Transport == BusTransport.RabbitMq ? options.RabbitMq.Prefix : "";

        if (roles.HasFlag(NodeRole.Intake))
        {
            services.AddReceiveObserver(provider => new MalformedIntakeObserver(
                provider, prefix + QueueNames.Intake, provider.GetRequiredService<Microsoft.Extensions.Logging.ILogger<MalformedIntakeObserver>>()));
        }

        services.AddMassTransit(bus =>
        {
            // Explicit queue names (not derived from class names): they are part of the contract with operators.
            // Execution waits on the Gateway (seconds, a minute on a cold start), so it gets a generous limit of its
            // own: slow calls must never starve the quick database steps (intake, classification, timers).
            AddConsumer<SubmitAgentRequestConsumer>(bus, roles, NodeRole.Intake, prefix + QueueNames.Intake, 16);
            AddConsumer<ClassifyConsumer>(bus, roles, NodeRole.Classification, prefix + QueueNames.Classify, 8);
            AddConsumer<ExecuteConsumer>(bus, roles, NodeRole.Execution, prefix + QueueNames.Execute, 64);
            AddConsumer<TimerFiredConsumer>(bus, roles, NodeRole.Timers, prefix + QueueNames.Timers, 8);
            AddConsumer<SubmitApprovalDecisionConsumer>(bus, roles, NodeRole.Decisions, prefix + QueueNames.Decisions, 8);

            switch (options.Transport)
            {
                case BusTransport.InMemory:
                    bus.UsingInMemory((context, cfg) =>
                    {
                        cfg.UseMessageRetry(ConfigureRetry);
                        cfg.ConfigureEndpoints(context);
                    });
                    break;
                case BusTransport.RabbitMq:
                    bus.UsingRabbitMq((context, cfg) =>
                    {
                        ConfigureHost(cfg, options.RabbitMq);
                        if (prefix.Length > 0)
                        {
                            // Message-type exchanges too, or a publish would reach every prefix's queues.
                            cfg.MessageTopology.SetEntityNameFormatter(new PrefixEntityNameFormatter(cfg.MessageTopology.EntityNameFormatter, prefix));
                        }

                        cfg.Durable = true;
                        cfg.AutoDelete = false;
                        cfg.PrefetchCount = options.RabbitMq.PrefetchCount;
                        cfg.UseMessageRetry(ConfigureRetry);
                        cfg.ConfigureEndpoints(context);
                    });
                    break;
                default:
                    throw new InvalidOperationException($"Unknown {BusOptions.Section}:Transport '{options.Transport}'.");
            }
        });
        return services;
    }

    /// <summary>
    /// Transient faults retry in place with bounded exponential backoff (about 25 s in all), then the message faults to
    /// <c>_error</c> with the reason. No later redelivery by the broker: RabbitMQ's delayed-exchange plugin and a message
    /// scheduler are not available here. The recovery sweep is the later redelivery instead: it re-sends the step of any
    /// instance idle between steps (received, executing-not-started) with a fresh message id.
    /// </summary>
    public static void ConfigureRetry(IRetryConfigurator retry)
    {
        retry.Exponential(6, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200));
        retry.Handle<Exception>(TransientFaults.IsTransient);
        retry.Ignore<MessageRejectedException>();
    }

    public static void ConfigureHost(IRabbitMqBusFactoryConfigurator cfg, RabbitMqBusOptions options)
    {
        var url = new Uri(options.Url);
        var virtualHost = Uri.UnescapeDataString(url.AbsolutePath.TrimStart('/'));
        var port = url.IsDefaultPort || url.Port < 0 ? (url.Scheme == "amqps" ? 5671 : 5672) : url.Port;
        var credentials = url.UserInfo.Split(':', 2);
        cfg.Host(url.Host, (ushort)port, virtualHost.Length == 0 ? "/" : virtualHost, h =>
        {
            if (credentials[0].Length > 0)
            {
                h.Username(Uri.UnescapeDataString(credentials[0]));
                h.Password(credentials.Length > 1 ? Uri.UnescapeDataString(credentials[1]) : "");
            }

            if (url.Scheme == "amqps")
            {
                h.UseSsl(s => s.ServerName = url.Host);
            }

            // Publish completes only when the broker has the message: the outbox marks a row dispatched after that.
            h.PublisherConfirmation = true;
        });
    }

    private static void AddConsumer<T>(IBusRegistrationConfigurator bus, NodeRole roles, NodeRole role, string queue, int concurrency)
        where T : class, IConsumer
    {
        if (roles.HasFlag(role))
        {
            bus.AddConsumer<T>().Endpoint(e =>
            {
                e.Name = queue;
                e.PrefetchCount = concurrency;
                e.ConcurrentMessageLimit = concurrency;
            });
        }
    }
}
