using System.CommandLine;
using System.Text.Json;
using ApprovalOrchestrator.Cli.Identity;
using ApprovalOrchestrator.Cli.Output;

namespace ApprovalOrchestrator.Cli.Approvals;

/// <summary><c>aoctl tasks</c> (the inbox, <c>GET /api/tasks</c>) and <c>aoctl show &lt;taskId&gt;</c>.</summary>
public static class TasksCommand
{
    public static Command Create()
    {
        var risk = new Option<string?>("--risk") { Description = "Only amber or red tasks." };
        risk.AcceptOnlyFromAmong("amber", "red");
        var group = new Option<string?>("--group") { Description = "Only tasks for this group." };
        var status = new Option<string?>("--status") { Description = "open (default), approved, rejected, expired or withdrawn." };
        status.AcceptOnlyFromAmong("open", "approved", "rejected", "expired", "withdrawn");
        var limit = new Option<int?>("--limit") { Description = "At most this many tasks (the server's page size by default)." };
        var json = Verb.JsonOption();
        var ids = new Option<bool>("--ids") { Description = "Print only the task ids, one a line (for scripts: TASK=$(aoctl tasks --ids | head -n 1))." };
        var command = new Command("tasks", "Your inbox: the tasks you may decide (your groups, delegated or assigned to you; never your own requests), soonest due first.")
        {
            risk, group, status, limit, json, ids,
        };
        Verb.SetAction(command, async (parse, ct) =>
        {
            var query = new List<string>();
            Add(query, "risk", parse.GetValue(risk));
            Add(query, "group", parse.GetValue(group));
            Add(query, "status", parse.GetValue(status));
            Add(query, "limit", parse.GetValue(limit)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var api = Connection.Open(parse);
            var page = await api.GetAsync("api/tasks" + (query.Count > 0 ? "?" + string.Join('&', query) : ""), ct);
            if (parse.GetValue(json))
            {
                Table.WriteJson(Console.Out, page);
                return Verb.Ok;
            }

            var items = page.Items("items").ToList();
            if (parse.GetValue(ids))
            {
                items.ForEach(t => Console.WriteLine(t.Str("id")));
                return Verb.Ok;
            }

            if (items.Count == 0)
            {
                Console.WriteLine("No tasks.");
                return Verb.Ok;
            }

            Table.Write(
                Console.Out,
                ["TASK", "RISK", "GROUP", "TIER", "APPROVALS", "DUE IN", "REQUESTER", "TOOL", "TEXT"],
                items.Select(t => (IReadOnlyList<string>)[
                    t.Str("id"), t.Str("risk"), t.Str("group") + (t.Str("assignedTo") is { Length: > 0 } a ? $" ({a})" : ""), t.Str("tier"),
                    $"{t.Items("approvals").Count()}/{t.Str("required")}", Table.Left(t.Long("secondsLeft")), t.Str("requester"),
                    ToolName(t), Table.Clip(t.Str("text"), 60)]));
            var total = page.Long("total") ?? items.Count;
            if (total > items.Count)
            {
                Console.WriteLine($"({items.Count} of {total} shown: narrow with --risk/--group or raise --limit)");
            }

            return Verb.Ok;
        });
        return command;
    }

    public static Command CreateShow()
    {
        var id = new Argument<Guid>("taskId") { Description = "The task id (the TASK column of `aoctl tasks`)." };
        var json = Verb.JsonOption();
        var command = new Command("show", "One task in full: what the agent would do, why it was flagged, who approved, the action hash you decide on.") { id, json };
        Verb.SetAction(command, async (parse, ct) =>
        {
            using var api = Connection.Open(parse);
            var task = await api.GetAsync($"api/tasks/{parse.GetValue(id)}", ct);
            if (parse.GetValue(json))
            {
                Table.WriteJson(Console.Out, task);
            }
            else
            {
                WriteTask(Console.Out, task);
            }

            return Verb.Ok;
        });
        return command;
    }

    public static void WriteTask(TextWriter output, JsonElement t)
    {
        var claim = t.TryGetProperty("claim", out var c) && c.ValueKind == JsonValueKind.Object ? $"{c.Str("by")} until {c.Str("expiresAt")}" : "-";
        // Characters that do not show on a terminal (zero-width, bidi controls) are flagged by the server; then the args are
        // printed with every non-ASCII character escaped, so none can hide, and the text with the server's markers.
        var hidden = t.Items("hiddenCharacters").Select(h => h.GetString()).ToList();
        var tool = t.TryGetProperty("tool", out var tl) && tl.ValueKind == JsonValueKind.Object
            ? $"{ToolName(t)} {(tl.TryGetProperty("args", out var args) && args.ValueKind != JsonValueKind.Null ? (hidden.Count > 0 ? JsonSerializer.Serialize(args) : args.GetRawText()) : "")}".Trim()
            : "-";
        var text = hidden.Count > 0 && t.Str("textVisible") is { Length: > 0 } visible ? visible : t.Str("text");
        Table.WriteFields(output,
        [
            ("task", t.Str("id")),
            ("request", t.Str("requestId")),
            ("status", t.Str("status")),
            ("risk", t.Str("risk")),
            ("reason", t.Str("reason")),
            ("matched rules", string.Join(", ", t.Items("matchedRules").Select(r => r.GetString()))),
            ("requester", t.Str("requester")),
            ("agent", t.Str("agentId")),
            ("text", text),
            ("hidden chars", hidden.Count > 0 ? "WARNING: " + string.Join(", ", hidden) + " (shown as markers)" : "-"),
            ("tool", tool),
            ("group", t.Str("group") + (t.Str("assignedTo") is { Length: > 0 } a ? $" (assigned to {a})" : "")),
            ("tier", t.Str("tier")),
            ("approvals", $"{t.Items("approvals").Count()}/{t.Str("required")} {string.Join(", ", t.Items("approvals").Select(a => a.GetString()))}".TrimEnd()),
            ("due", $"{t.Str("dueAt")} ({Table.Left(t.Long("secondsLeft"))})"),
            ("claimed by", claim),
            ("action hash", t.Str("actionHash")),
        ]);
    }

    private static string ToolName(JsonElement task) =>
        task.TryGetProperty("tool", out var tool) && tool.ValueKind == JsonValueKind.Object
            ? tool.Str("name") + (tool.Str("action") is { Length: > 0 } action ? "." + action : "")
            : "-";

    private static void Add(List<string> query, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            query.Add($"{name}={Uri.EscapeDataString(value)}");
        }
    }
}
