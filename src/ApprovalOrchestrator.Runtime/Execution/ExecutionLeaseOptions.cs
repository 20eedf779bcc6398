using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Runtime.Execution;

/// <summary>
/// <c>Execution:LeaseSeconds</c> (default 30): how long a Gateway call in flight stays its process's without a heartbeat.
/// The owner heartbeats every third of it; recovery on any node takes over a call whose lease has run out.
/// </summary>
public sealed class ExecutionLeaseOptions
{
    public const string Section = "Execution";

    public int LeaseSeconds { get; set; } = 30;

    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);

    /// <summary>Three heartbeats per lease: two can be lost (a slow transaction, a GC pause) before the lease runs out.</summary>
    public TimeSpan HeartbeatInterval => Lease / 3;

    public static void Register(IServiceCollection services, IConfiguration configuration) =>
        services.AddOptions<ExecutionLeaseOptions>()
            .Bind(configuration.GetSection(Section))
            .Validate(o => o.LeaseSeconds > 0, "Execution:LeaseSeconds must be a whole number of seconds greater than 0 (default 30).")
            .ValidateOnStart();
}
