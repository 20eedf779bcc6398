using System.Diagnostics;

namespace ApprovalOrchestrator.Integration.Tests.Support;

/// <summary>
/// Runs the built <c>aoctl.dll</c> (copied into <c>cli/</c> beside the tests by the build) as a child process, with
/// <c>AOCTL_TOKEN</c> unset and <c>XDG_CONFIG_HOME</c> pointed at <paramref name="configHome"/> so the developer's own
/// aoctl configuration never leaks into a test.
/// </summary>
internal static class Aoctl
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    public static async Task<Result> RunAsync(string configHome, params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment.Remove("AOCTL_TOKEN");
        start.Environment["XDG_CONFIG_HOME"] = configHome;
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cli", "aoctl.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var ct = TestContext.Current.CancellationToken;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start aoctl.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        // Only stops a hung child from hanging the run; aoctl's own HTTP timeout is 60 s.
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(ct);
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
