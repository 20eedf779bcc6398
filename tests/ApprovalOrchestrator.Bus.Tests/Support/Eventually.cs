namespace ApprovalOrchestrator.Bus.Tests.Support;

/// <summary>The shared <see cref="Testing.Poll"/>, cancelled with the test.</summary>
internal static class Eventually
{
    public static Task<T> GetAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null)
        where T : class => Testing.Poll.GetAsync(probe, what, timeout, Broker.Ct);

    public static Task TrueAsync(Func<Task<bool>> probe, string what, TimeSpan? timeout = null) =>
        Testing.Poll.TrueAsync(probe, what, timeout, Broker.Ct);

    public static Task TrueAsync(Func<bool> probe, string what, TimeSpan? timeout = null) =>
        TrueAsync(() => Task.FromResult(probe()), what, timeout);
}
