using System.Diagnostics;
using System.Text.Json;

namespace ApprovalOrchestrator.Testing;

/// <summary>What one aoctl run printed and returned.</summary>
public sealed record AoctlResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The <c>--json</c> lines of stdout, parsed.</summary>
    public IReadOnlyList<JsonElement> JsonLines =>
        Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .ToList();

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>
/// Runs the built <c>aoctl.dll</c> as a child process, as a user would. The test projects copy aoctl with its own
/// dependencies into <c>cli/</c> beside themselves (their ASP.NET shared framework lacks the packages aoctl names).
/// </summary>
public static class AoctlRunner
{
    /// <summary>
    /// <paramref name="environment"/> entries with a null value are removed from the child's environment (e.g. an
    /// AOCTL_TOKEN of the developer's must not leak into a test).
    /// </summary>
    public static async Task<AoctlResult> RunAsync(IReadOnlyDictionary<string, string?> environment, IEnumerable<string> args, CancellationToken cancellationToken)
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

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start aoctl.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        // Only stops a hung child from hanging the run; aoctl's own timeouts are shorter.
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        guard.CancelAfter(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new AoctlResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The dotnet host running these tests (the SDK sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath!
        : "dotnet";
}
