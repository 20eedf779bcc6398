using ApprovalOrchestrator.Contracts.V1;
using ApprovalOrchestrator.Runtime.Messaging;
using MassTransit;

namespace ApprovalOrchestrator.Benchmarks;

/// <summary>The raw ceiling's message: nothing but an index.</summary>
public sealed record Ping(int Index);

/// <summary>One warm-up window, then the measured one, through the same bus.</summary>
internal static class Benches
{
    /// <summary>
    /// Green requests published as an integrator would (its own bus and connection), completions heard on a temporary
    /// queue bound to the AgentRequestCompleted exchange.
    /// </summary>
    public static async Task<(Measurement Result, IReadOnlyDictionary<string, int> Statuses)> WorkflowsAsync(
        RabbitMqBusOptions broker, int requests, int warmup, int inflight, TimeSpan timeout)
    {
        // Filled before the bus starts: handlers only read it.
        var windows = new Dictionary<string, Window>(StringComparer.Ordinal) { ["w"] = new(warmup, inflight), ["m"] = new(requests, inflight) };
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var run = Guid.NewGuid().ToString("N")[..8];
        var bus = CreateBus(broker, cfg => cfg.ReceiveEndpoint(e => e.Handler<AgentRequestCompleted>(c =>
        {
            // requestId = bench-{run}-{phase}-{index}
            var parts = c.Message.RequestId.Split('-');
            if (parts.Length == 4 && parts[1] == run && windows.TryGetValue(parts[2], out var window) && int.TryParse(parts[3], out var index))
            {
                if (parts[2] == "m")
                {
                    statuses.AddOrUpdate(c.Message.Status, 1, (_, n) => n + 1);
                }

                window.Complete(index);
            }

            return Task.CompletedTask;
        })));
        await bus.StartAsync();
        try
        {
            await windows["w"].RunAsync(i => bus.Publish(Green(run, "w", i)), timeout);
            var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes();
            var wall = await windows["m"].RunAsync(i => bus.Publish(Green(run, "m", i)), timeout);
            allocated = GC.GetTotalAllocatedBytes() - allocated;
            cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu;
            return (new Measurement("workflows", requests, wall, windows["m"].LatenciesMs()) { Cpu = cpu, Allocated = allocated }, statuses);
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    /// <summary>
    /// The ceiling: the same broker, durability (durable queue, persistent messages, publisher confirms), prefetch and
    /// window, one hop, and a consumer that does nothing. Publisher and consumer have their own connections, as above.
    /// </summary>
    public static async Task<Measurement> RawAsync(RabbitMqBusOptions broker, string queue, int requests, int warmup, int inflight, TimeSpan timeout)
    {
        Window? current = null;
        var consumer = CreateBus(broker, cfg => cfg.ReceiveEndpoint(queue, e =>
        {
            e.PrefetchCount = broker.PrefetchCount;
            e.ConcurrentMessageLimit = broker.PrefetchCount;
            e.Handler<Ping>(c =>
            {
                Volatile.Read(ref current)?.Complete(c.Message.Index);
                return Task.CompletedTask;
            });
        }));
        var publisher = CreateBus(broker, _ => { });
        await consumer.StartAsync();
        await publisher.StartAsync();
        try
        {
            var warm = new Window(warmup, inflight);
            Volatile.Write(ref current, warm);
            await warm.RunAsync(i => publisher.Publish(new Ping(i)), timeout);
            var measured = new Window(requests, inflight);
            Volatile.Write(ref current, measured);
            var wall = await measured.RunAsync(i => publisher.Publish(new Ping(i)), timeout);
            return new Measurement("raw", requests, wall, measured.LatenciesMs());
        }
        finally
        {
            await publisher.StopAsync();
            await consumer.StopAsync();
        }
    }

    private static SubmitAgentRequest Green(string run, string phase, int i) =>
        new($"bench-{run}-{phase}-{i}", "bench-user", null, $"Summarize the report number {i} for internal use.", null, null);

    private static IBusControl CreateBus(RabbitMqBusOptions broker, Action<IRabbitMqBusFactoryConfigurator> configure) =>
        MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            BusConfiguration.ConfigureHost(cfg, broker);
            cfg.MessageTopology.SetEntityNameFormatter(new PrefixEntityNameFormatter(cfg.MessageTopology.EntityNameFormatter, broker.Prefix));
            cfg.Durable = true;
            configure(cfg);
        });
}
