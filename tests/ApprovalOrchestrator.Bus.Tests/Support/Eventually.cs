namespace ApprovalOrchestrator.Bus.Tests.Support;

/// <summary>The shared <see cref="Testing.Eventually"/>, cancelled with the test.</summary>
internal static class Eventually
{
    public static Task<T> GetAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null)
        where T : class => Testing.Eventually.GetAsync(probe, what, timeout, Broker.Ct);

    public static Task TrueAsync(Func<Task<bool>> probe, string what, TimeSpan? timeout = null) =>
        Testing.Eventually.TrueAsync(probe, what, timeout, Broker.Ct);

    public static Task TrueAsync(Func<bool> probe, string what, TimeSpan? timeout = null) =>
        TrueAsync(() => Task.FromResult(probe()), what, timeout);
}
