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
        // The deadline only stops a hung child from hanging the run; aoctl's own timeouts are shorter.
        var result = await ChildProcess.RunAsync(
            ChildProcess.DotnetHost(), args.Prepend(Path.Combine(AppContext.BaseDirectory, "cli", "aoctl.dll")), null, environment, TimeSpan.FromSeconds(120), cancellationToken);
        return new AoctlResult(result.ExitCode, result.Stdout, result.Stderr);
    }
}
