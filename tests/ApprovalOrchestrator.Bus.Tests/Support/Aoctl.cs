using ApprovalOrchestrator.Testing;
using System.Text.Json;

namespace ApprovalOrchestrator.Bus.Tests.Support;

/// <summary>Runs the built <c>aoctl.dll</c> (copied with its dependencies into <c>cli/</c> beside the tests by the build) as a child process.</summary>
internal static class Aoctl
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        /// <summary>The <c>--json</c> event lines.</summary>
        public IReadOnlyList<JsonElement> Events => new AoctlResult(ExitCode, Stdout, Stderr).JsonLines;

        public IReadOnlyList<JsonElement> EventsNamed(string name) =>
            Events.Where(e => e.GetProperty("event").GetString() == name).ToList();

        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    public static async Task<Result> RunAsync(params string[] args)
    {
        var run = await AoctlRunner.RunAsync(new Dictionary<string, string?>(), args, TestContext.Current.CancellationToken);
        return new Result(run.ExitCode, run.Stdout, run.Stderr);
    }
}
