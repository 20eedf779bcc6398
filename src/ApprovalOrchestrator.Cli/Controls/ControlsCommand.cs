using System.CommandLine;
using System.Text.Json;
using ApprovalOrchestrator.Cli.Identity;
using ApprovalOrchestrator.Cli.Output;

namespace ApprovalOrchestrator.Cli.Controls;

/// <summary>
/// The kill switch: <c>aoctl halt</c> (<c>POST /api/controls/halt</c>), <c>aoctl resume</c> (<c>POST /api/controls/resume</c>)
/// and <c>aoctl controls</c> (<c>GET /api/controls</c>).
/// </summary>
public static class ControlsCommand
{
    public static Command CreateHalt()
    {
        var (scope, target, reason) = ScopeOptions(reasonHelp: "Why (required; recorded in the signed audit log and shown in the console banner).");
        var json = Verb.JsonOption();
        var command = new Command("halt", "Stop executions now, on every node: everything, one agent or one tool. Covered requests wait `halted`; approvals go on.")
        {
            scope, target, reason, json,
        };
        Verb.SetAction(command, async (parse, ct) =>
        {
            using var api = Connection.Open(parse);
            var halt = await api.PostAsync("api/controls/halt", new { scope = parse.GetValue(scope), target = parse.GetValue(target), reason = parse.GetValue(reason) }, ct);
            if (parse.GetValue(json))
            {
                Table.WriteJson(Console.Out, halt);
            }
            else
            {
                Console.WriteLine($"Halted {Describe(halt)}: {halt.Str("reason")}. Halt id {halt.Str("id")} (resume with `aoctl resume --id {halt.Str("id")} --reason ...`).");
            }

            return Verb.Ok;
        });
        return command;
    }

    public static Command CreateResume()
    {
        var id = new Option<string?>("--id") { Description = "The halt's id (from `aoctl controls`); or give --scope and --target instead." };
        var (scope, target, reason) = ScopeOptions(reasonHelp: "Why (required; recorded in the signed audit log).", scopeRequired: false);
        var json = Verb.JsonOption();
        var command = new Command("resume", "Lift a halt: the requests it held (and no other halt still covers) execute, in the order they were halted.")
        {
            id, scope, target, reason, json,
        };
        Verb.SetAction(command, async (parse, ct) =>
        {
            using var api = Connection.Open(parse);
            var resumed = await api.PostAsync("api/controls/resume", new { id = parse.GetValue(id), scope = parse.GetValue(scope), target = parse.GetValue(target), reason = parse.GetValue(reason) }, ct);
            if (parse.GetValue(json))
            {
                Table.WriteJson(Console.Out, resumed);
            }
            else
            {
                var halt = resumed.GetProperty("halt");
                Console.WriteLine($"Resumed {Describe(halt)} (halt {halt.Str("id")}); {resumed.GetProperty("released").GetInt32()} halted requests released.");
            }

            return Verb.Ok;
        });
        return command;
    }

    public static Command CreateList()
    {
        var json = Verb.JsonOption();
        var command = new Command("controls", "The halts in force (admins and auditors).") { json };
        Verb.SetAction(command, async (parse, ct) =>
        {
            using var api = Connection.Open(parse);
            var state = await api.GetAsync("api/controls", ct);
            if (parse.GetValue(json))
            {
                Table.WriteJson(Console.Out, state);
                return Verb.Ok;
            }

            var halts = state.GetProperty("halts").EnumerateArray().ToList();
            if (halts.Count == 0)
            {
                Console.WriteLine("Nothing is halted.");
                return Verb.Ok;
            }

            Table.Write(Console.Out, ["ID", "SCOPE", "TARGET", "REASON", "SINCE", "BY"], halts.Select(h => (IReadOnlyList<string>)[
                h.Str("id"), h.Str("scope"), h.Str("target"), h.Str("reason"), h.Str("haltedAt"), h.Str("haltedBy")]));
            return Verb.Ok;
        });
        return command;
    }

    private static (Option<string?> Scope, Option<string?> Target, Option<string?> Reason) ScopeOptions(string reasonHelp, bool scopeRequired = true)
    {
        var scope = new Option<string?>("--scope") { Description = "all, agent or tool.", Required = scopeRequired };
        scope.AcceptOnlyFromAmong("all", "agent", "tool");
        var target = new Option<string?>("--target") { Description = "The agent id (--scope agent) or tool name (--scope tool); not with --scope all." };
        var reason = new Option<string?>("--reason") { Description = reasonHelp, Required = true };
        return (scope, target, reason);
    }

    private static string Describe(JsonElement halt) => halt.Str("scope") == "all" ? "everything" : $"{halt.Str("scope")} {halt.Str("target")}";
}
