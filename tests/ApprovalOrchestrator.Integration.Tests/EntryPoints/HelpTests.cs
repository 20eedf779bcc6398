using ApprovalOrchestrator.Integration.Tests.Support;
using System.Text.RegularExpressions;

namespace ApprovalOrchestrator.Integration.Tests.EntryPoints;

/// <summary>Every verb of the server and of aoctl answers <c>--help</c> as a child process: none can break unseen.</summary>
[Trait("Storage", TestStorage.SqliteOnly)]
public sealed class HelpTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("help")]
    [InlineData("demo", "--help")]
    public async Task Every_server_verb_prints_its_help_and_exits_0(params string[] args)
    {
        var result = await EntryPoint.ServerAsync(EntryPoint.FreshDirectory(), args);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("demo", result.Stdout);
        Assert.Contains("--leave-waiting", result.Stdout);
    }

    [Fact]
    public async Task Every_aoctl_verb_and_sub_verb_prints_its_help_and_exits_0()
    {
        var directory = EntryPoint.FreshDirectory();
        var seen = new List<string>();
        var pending = new Queue<string[]>([[]]);
        while (pending.TryDequeue(out var path))
        {
            var result = await EntryPoint.AoctlAsync(directory, [.. path, "--help"]);
            Assert.True(result.ExitCode == 0, $"aoctl {string.Join(' ', path)} --help: {result}");
            Assert.Contains("Usage:", result.Stdout);
            seen.Add(string.Join(' ', path));
            foreach (var verb in Verbs(result.Stdout))
            {
                pending.Enqueue([.. path, verb]);
            }
        }

        // The verbs the README documents are among them (the walk found the tree, not just the root).
        foreach (var verb in new[] { "publish", "token issue", "login", "tasks", "show", "approve", "reject", "delegate", "delegations", "withdraw", "definitions list", "definitions publish" })
        {
            Assert.Contains(verb, seen);
        }
    }

    /// <summary>The names under "Commands:" in System.CommandLine's help.</summary>
    private static IEnumerable<string> Verbs(string help)
    {
        var section = help.Split("Commands:", 2);
        if (section.Length < 2)
        {
            yield break;
        }

        foreach (Match m in Regex.Matches(section[1], @"(?m)^  ([a-z][a-z-]*)(?: <[^>]+>)*\s{2,}"))
        {
            yield return m.Groups[1].Value;
        }
    }
}
