using System.Diagnostics;

namespace ApprovalOrchestrator.Integration.Tests.Support;

/// <summary>
/// Runs the built <c>aoctl.dll</c> (copied with its dependencies into <c>cli/</c> beside the tests by the build) as a child
/// process, with its own <c>HOME</c> so <c>aoctl login</c> writes its config file into a temporary folder.
/// </summary>
public sealed class AoctlProcess(string home)
{
    public string Home { get; } = home;

    public string ConfigFile => Path.Combine(Home, ".config", "aoctl", "config.json");

    public static AoctlProcess WithTemporaryHome() =>
        new(Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "ao-tests", "home-" + Guid.NewGuid().ToString("N"))).FullName);

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    public async Task<Result> RunAsync(params string[] args)
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

        start.Environment["HOME"] = Home;
        start.Environment.Remove("AOCTL_TOKEN");
        start.Environment.Remove("AOCTL_SERVER");
        var ct = TestContext.Current.CancellationToken;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start aoctl.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        // Only stops a hung child from hanging the test run; every verb here answers in well under a second or two.
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(ct);
        guard.CancelAfter(TimeSpan.FromSeconds(60));
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
