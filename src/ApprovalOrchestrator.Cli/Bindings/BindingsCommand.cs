using System.CommandLine;
using System.Text.Json;
using ApprovalOrchestrator.Cli.Definitions;

namespace ApprovalOrchestrator.Cli.Bindings;

/// <summary>
/// <c>aoctl bindings …</c>: which workflow requests run under (by agent, submitter group, default), over the HTTP API.
/// Admins set them (a new audited version each time); admins and auditors read. Exit 0 on success, 1 on an error.
/// </summary>
public static class BindingsCommand
{
    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print the server's JSON answer instead of text.", Recursive = true };

    public static Command Create()
    {
        var command = new Command("bindings", "Show, list and set the workflow bindings (which definition requests run under) over HTTP.") { JsonOption };
        command.Subcommands.Add(ShowCommand());
        command.Subcommands.Add(HistoryCommand());
        command.Subcommands.Add(SetCommand());
        return command;
    }

    private static Command ShowCommand()
    {
        var version = new Option<int?>("--version") { Description = "A version number (default: the one in force)." };
        var command = new Command("show", "The bindings in force (or one version): default, agent and group bindings, what each may choose.") { version };
        command.SetAction((parse, ct) => DefinitionsCommand.RunAsync(parse, async api =>
        {
            var answer = await api.GetAsync(parse.GetValue(version) is int v ? $"api/bindings/versions/{v}" : "api/bindings", ct);
            return Print(parse, answer, () => Show(answer));
        }));
        return command;
    }

    private static Command HistoryCommand()
    {
        var command = new Command("history", "Every version: who changed the bindings, when, why, and the content hash.");
        command.SetAction((parse, ct) => DefinitionsCommand.RunAsync(parse, async api =>
        {
            var answer = await api.GetAsync("api/bindings/versions", ct);
            return Print(parse, answer, () =>
            {
                foreach (var v in answer.EnumerateArray())
                {
                    Console.Out.WriteLine($"v{v.GetProperty("version").GetInt32()}  {v.GetProperty("createdAt").GetString()}  {v.GetProperty("author").GetString()}  {v.GetProperty("hash").GetString()}  {v.GetProperty("comment").GetString()}");
                }
            });
        }));
        return command;
    }

    private static Command SetCommand()
    {
        var file = new Argument<FileInfo>("file") { Description = "The bindings document (JSON): {default, agents, groups}." };
        var comment = DefinitionsCommand.CommentOption();
        var expected = new Option<int?>("--expected-version") { Description = "Refuse (409) unless this is still the version in force." };
        var command = new Command("set", "Store the document as the next version (admin).") { file, comment, expected };
        command.SetAction((parse, ct) => DefinitionsCommand.RunAsync(parse, async api =>
        {
            var query = $"api/bindings?comment={Uri.EscapeDataString(parse.GetValue(comment)!)}" + (parse.GetValue(expected) is int e ? $"&expectedVersion={e}" : "");
            var answer = await api.PutJsonTextAsync(query, await File.ReadAllTextAsync(parse.GetValue(file)!.FullName, ct), ct);
            return Print(parse, answer, () => Console.Out.WriteLine(
                answer.GetProperty("created").GetBoolean()
                    ? $"bindings v{answer.GetProperty("version").GetInt32()} ({answer.GetProperty("hash").GetString()})"
                    : $"unchanged: v{answer.GetProperty("version").GetInt32()} already has this content"));
        }));
        return command;
    }

    private static void Show(JsonElement v)
    {
        var bindings = v.GetProperty("bindings");
        Console.Out.WriteLine($"bindings v{v.GetProperty("version").GetInt32()} by {v.GetProperty("author").GetString()} at {v.GetProperty("createdAt").GetString()} ({v.GetProperty("hash").GetString()})");
        Console.Out.WriteLine($"  default            -> {Line(bindings.GetProperty("default"))}");
        foreach (var a in Items(bindings, "agents"))
        {
            Console.Out.WriteLine($"  agent {a.GetProperty("agent").GetString(),-12} -> {Line(a)}");
        }

        foreach (var g in Items(bindings, "groups"))
        {
            Console.Out.WriteLine($"  group {g.GetProperty("group").GetString(),-12} -> {Line(g)}");
        }
    }

    private static IEnumerable<JsonElement> Items(JsonElement bindings, string name) =>
        bindings.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray() : [];

    private static string Line(JsonElement b)
    {
        var choice = b.TryGetProperty("allowChoice", out var c) && c.ValueKind == JsonValueKind.Array ? c.EnumerateArray().Select(x => x.GetString()).ToArray() : [];
        return b.GetProperty("workflow").GetString() + (choice.Length > 0 ? $"  (may choose: {string.Join(", ", choice)})" : "");
    }

    private static int Print(ParseResult parse, JsonElement answer, Action text) => DefinitionsCommand.Print(parse, answer, text, JsonOption);
}
