namespace ApprovalOrchestrator.Testing;

/// <summary>Waits on a condition with a deadline, never a fixed sleep.</summary>
public static class Poll
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    public static async Task<T> GetAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {(timeout ?? DefaultTimeout).TotalSeconds:0} s waiting for {what}.");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    public static Task TrueAsync(Func<Task<bool>> probe, string what, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        GetAsync(async () => await probe() ? "" : null, what, timeout, cancellationToken);
}
