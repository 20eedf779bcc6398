namespace ApprovalOrchestrator.Integration.Tests.Support;

/// <summary>
/// The real clock plus an offset the test moves forward: claim and delegation windows can be crossed without sleeping,
/// while timers and delays (which use the base provider's timer) keep running in real time.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public static OrchestratorHostSetup Install(ShiftedClock clock) =>
        builder => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<TimeProvider>(builder.Services, clock);
}

public delegate void OrchestratorHostSetup(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder);
