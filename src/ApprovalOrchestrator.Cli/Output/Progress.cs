namespace ApprovalOrchestrator.Cli.Output;

/// <summary>
/// A verb that waits says so: one status line on stderr per interval until the awaited task ends (stdout stays the
/// verb's output, so pipes and --json are undisturbed; <c>quiet</c> silences it for --json callers).
/// </summary>
internal static class Progress
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    public static async Task WaitAsync(Task awaited, TimeSpan every, Func<string> describe, bool quiet, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(every);
        while (!awaited.IsCompleted)
        {
            var tick = timer.WaitForNextTickAsync(cancellationToken).AsTask();
            if (await Task.WhenAny(awaited, tick) == awaited)
            {
                break;
            }

            await tick; // throws when cancelled (a deadline), as waiting on the task itself would
            if (!quiet)
            {
                Console.Error.WriteLine($"aoctl: {describe()}");
            }
        }

        await awaited.WaitAsync(cancellationToken);
    }
}
