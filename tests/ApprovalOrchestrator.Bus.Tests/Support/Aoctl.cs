using System.Diagnostics;
using System.Text.Json;

namespace ApprovalOrchestrator.Bus.Tests.Support;

/// <summary>Runs the built <c>aoctl.dll</c> (copied with its dependencies into <c>cli/</c> beside the tests by the build) as a child process.</summary>
internal static class Aoctl
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        /// <summary>The <c>--json</c> event lines.</summary>
        public IReadOnlyList<JsonElement> Events =>
            Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(line => JsonDocument.Parse(line).RootElement.Clone())
                .ToList();

        public IReadOnlyList<JsonElement> EventsNamed(string name) =>
            Events.Where(e => e.GetProperty("event").GetString() == name).ToList();

        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    public static async Task<Result> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cli", "aoctl.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start aoctl.");
        var stdout = process.StandardOutput.ReadToEndAsync(Broker.Ct);
        var stderr = process.StandardError.ReadToEndAsync(Broker.Ct);
        // aoctl has its own --timeout; this only stops a hung child from hanging the test run.
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(Broker.Ct);
        guard.CancelAfter(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The dotnet host running these tests (the SDK sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath!
        : "dotnet";
}
