using System.Text.Json;

namespace ApprovalOrchestrator.Cli.Definitions;

/// <summary>The readable (non-<c>--json</c>) output of each definitions command, from the server's JSON answer.</summary>
internal static class DefinitionsText
{
    public static void List(TextWriter o, JsonElement list)
    {
        var rows = new List<IReadOnlyList<string>>();
        foreach (var definition in list.EnumerateArray())
        {
            var id = Str(definition, "id");
            var latest = definition.GetProperty("latestVersion") is { ValueKind: JsonValueKind.Number } l ? l.GetInt32() : (int?)null;
            foreach (var v in definition.GetProperty("versions").EnumerateArray())
            {
                var number = v.GetProperty("version").GetInt32();
                rows.Add([
                    id,
                    number + (number == latest ? "*" : ""),
                    v.GetProperty("retracted").GetBoolean() ? "retracted" : "published",
                    Table.ShortHash(Str(v, "hash")),
                    Str(v, "author"),
                    Str(v, "createdAt"),
                    Str(v, "comment"),
                ]);
            }
        }

        if (rows.Count == 0)
        {
            o.WriteLine("No definitions.");
            return;
        }

        Table.Write(o, ["ID", "VERSION", "STATUS", "HASH", "AUTHOR", "PUBLISHED", "COMMENT"], rows);
    }

    public static void Show(TextWriter o, JsonElement detail)
    {
        var v = detail.GetProperty("version");
        var s = detail.GetProperty("summary");
        o.WriteLine($"{Str(detail, "id")} v{v.GetProperty("version").GetInt32()}{(v.GetProperty("retracted").GetBoolean() ? " (retracted)" : "")}: {Str(s, "name")}");
        o.WriteLine($"  hash       {Str(v, "hash")}");
        o.WriteLine($"  published  {Str(v, "createdAt")} by {Str(v, "author")}: {Str(v, "comment")}");
        o.WriteLine($"  default    {Str(s, "defaultRisk")}; execution agent {Str(s, "executionAgentId")}, timeout {Str(s, "executionTimeout")}");
        o.WriteLine();
        Table.Write(o, ["RULE", "RISK", "ROUTE", "WHEN"], s.GetProperty("rules").EnumerateArray()
            .Select(r => (IReadOnlyList<string>)[Str(r, "id"), Str(r, "risk"), Str(r, "route"), Str(r, "when")]));
        o.WriteLine();
        Table.Write(o, ["ROUTE", "WHAT"], s.GetProperty("routes").EnumerateArray()
            .Select(r => (IReadOnlyList<string>)[Str(r, "name"), Str(r, "description")]));
    }

    public static void Validation(TextWriter o, string file, JsonElement result)
    {
        var errors = result.GetProperty("errors");
        o.WriteLine(result.GetProperty("valid").GetBoolean()
            ? $"{file}: valid ({Str(result, "id")}, {Str(result, "hash")})"
            : $"{file}: invalid, {errors.GetArrayLength()} error(s)");
        Problems(o, "error", errors);
        Problems(o, "warning", result.GetProperty("warnings"));
    }

    public static void Published(TextWriter o, JsonElement result) =>
        o.WriteLine(result.GetProperty("created").GetBoolean()
            ? $"published {Str(result, "id")} v{result.GetProperty("version").GetInt32()} ({Str(result, "hash")})"
            : $"unchanged: {Str(result, "id")} v{result.GetProperty("version").GetInt32()} already has this content ({Str(result, "hash")})");

    public static void Diff(TextWriter o, JsonElement diff)
    {
        o.WriteLine($"{Str(diff, "id")}: {Str(diff.GetProperty("from"), "label")} → {Str(diff.GetProperty("to"), "label")}");
        if (diff.GetProperty("identical").GetBoolean())
        {
            o.WriteLine("  no differences in meaning");
            return;
        }

        var c = diff.GetProperty("changes");
        foreach (var id in c.GetProperty("rulesAdded").EnumerateArray())
        {
            o.WriteLine($"  + rule {id.GetString()}");
        }

        foreach (var id in c.GetProperty("rulesRemoved").EnumerateArray())
        {
            o.WriteLine($"  - rule {id.GetString()}");
        }

        foreach (var rule in c.GetProperty("rulesChanged").EnumerateArray())
        {
            o.WriteLine($"  ~ rule {Str(rule, "id")}");
            Fields(o, rule.GetProperty("changes"));
        }

        foreach (var route in c.GetProperty("routesChanged").EnumerateArray())
        {
            o.WriteLine($"  {Str(route, "kind") switch { "added" => "+", "removed" => "-", _ => "~" }} route {Str(route, "name")}");
            Fields(o, route.GetProperty("changes"));
        }

        Fields(o, c.GetProperty("otherChanges"), "  ~ ");
    }

    public static void WhatIf(TextWriter o, JsonElement answer)
    {
        var r = answer.GetProperty("report");
        o.WriteLine($"{Str(answer, "definitionId")}: draft vs {Str(answer.GetProperty("current"), "label")} over the last {r.GetProperty("evaluated").GetInt32()} recorded request(s)");
        o.WriteLine($"  risk would change for {r.GetProperty("riskChanged").GetInt32()}, route for {r.GetProperty("routeChanged").GetInt32()}");
        foreach (var change in r.GetProperty("changes").EnumerateArray())
        {
            o.WriteLine($"  {Str(change, "kind")}: {Str(change, "from")} → {Str(change, "to")}: {change.GetProperty("count").GetInt32()}");
            foreach (var example in change.GetProperty("examples").EnumerateArray())
            {
                o.WriteLine($"      {Str(example, "requestId")}  {Str(example, "text")}");
            }
        }
    }

    private static void Problems(TextWriter o, string kind, JsonElement items)
    {
        foreach (var item in items.EnumerateArray())
        {
            var path = Str(item, "path");
            o.WriteLine($"  {kind}: {(path.Length == 0 ? "" : path + ": ")}{Str(item, "message")}");
        }
    }

    private static void Fields(TextWriter o, JsonElement changes, string indent = "      ")
    {
        foreach (var f in changes.EnumerateArray())
        {
            o.WriteLine($"{indent}{Str(f, "field")}: {Str(f, "from", "(none)")} → {Str(f, "to", "(none)")}");
        }
    }

    private static string Str(JsonElement e, string name, string missing = "") =>
        e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? (v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText()) : missing;
}
