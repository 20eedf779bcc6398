using System.Diagnostics;

namespace ApprovalOrchestrator.Bus.Tests.Support;

/// <summary>
/// Stops and starts the local broker's RabbitMQ application (<c>rabbitmqctl stop_app</c> / <c>start_app</c>). Only allowed
/// when the broker is ours to restart (<c>AO_BROKER_CONTROL=1</c>, set by scripts/test.sh when it started the broker);
/// a test that needs this fails, never skips, without it.
/// </summary>
internal static class BrokerControl
{
    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromSeconds(60);

    public static void EnsureAllowed()
    {
        if (Environment.GetEnvironmentVariable("AO_BROKER_CONTROL") != "1")
        {
            throw new InvalidOperationException(
                "This test needs a RabbitMQ broker it may stop and start (rabbitmqctl stop_app/start_app), and AO_BROKER_CONTROL is not 1. " +
                "Run scripts/test.sh, which starts a local broker and sets AO_BROKER_CONTROL=1 and RABBITMQ_CTL; or set them yourself for a broker you own.");
        }
    }

    public static Task StopAppAsync()
    {
        EnsureAllowed();
        return RunAsync("stop_app");
    }

    public static Task StartAppAsync()
    {
        EnsureAllowed();
        return RunAsync("start_app");
    }

    /// <summary>
    /// Runs <c>$RABBITMQ_CTL args…</c> (RABBITMQ_CTL defaults to <c>rabbitmqctl</c>; it may be e.g. <c>sudo -n rabbitmqctl</c>).
    /// Verbs that do not disturb other users of a shared broker (adding a test's own user) need no AO_BROKER_CONTROL.
    /// </summary>
    public static async Task RunAsync(params string[] args)
    {
        var verb = string.Join(' ', args);
        var command = (Environment.GetEnvironmentVariable("RABBITMQ_CTL") is { Length: > 0 } ctl ? ctl : "rabbitmqctl")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1).Concat(args))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{string.Join(' ', start.ArgumentList.Prepend(command[0]))}'.");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var timeout = new CancellationTokenSource(s_commandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{string.Join(' ', command)} {verb}' did not finish within {s_commandTimeout.TotalSeconds:0} s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'{string.Join(' ', command)} {verb}' exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }
    }
}
