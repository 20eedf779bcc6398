using System.CommandLine;
using System.Globalization;
using ApprovalOrchestrator.Cli.Identity;
using ApprovalOrchestrator.Cli.Output;

namespace ApprovalOrchestrator.Cli.Approvals;

/// <summary><c>aoctl delegate</c> (<c>POST /api/delegations</c>) and <c>aoctl delegations</c> (<c>GET</c>).</summary>
public static class DelegateCommand
{
    public static Command Create()
    {
        var to = new Option<string>("--to") { Description = "Who acts for you.", Required = true };
        var from = new Option<DateTimeOffset?>("--from") { Description = "Start, inclusive (ISO 8601, e.g. 2026-07-01T08:00:00Z; default: now).", CustomParser = ParseTime };
        var until = new Option<DateTimeOffset?>("--until") { Description = "End, exclusive (ISO 8601).", Required = true, CustomParser = ParseTime };
        var onBehalfOf = new Option<string?>("--on-behalf-of") { Description = "Admins only: delegate for this person (default: yourself, with your token's groups)." };
        var groups = new Option<string[]>("--groups") { Description = "With --on-behalf-of: that person's groups (comma-separated or repeated).", AllowMultipleArgumentsPerToken = true };
        var json = Verb.JsonOption();
        var command = new Command("delegate", "Let someone act for you (out of office) from --from until --until. Chains resolve; cycles are refused.")
        {
            to, from, until, onBehalfOf, groups, json,
        };
        Verb.SetAction(command, async (parse, ct) =>
        {
            var list = Lists.Split(parse.GetValue(groups));
            var body = new
            {
                to = parse.GetValue(to),
                from = parse.GetValue(onBehalfOf),
                startsAt = parse.GetValue(from) ?? DateTimeOffset.UtcNow,
                endsAt = parse.GetValue(until),
                groups = list.Length > 0 ? list : null,
            };
            using var api = Connection.Open(parse);
            var grant = await api.PostAsync("api/delegations", body, ct);
            if (parse.GetValue(json))
            {
                Table.WriteJson(Console.Out, grant);
            }
            else
            {
                Console.WriteLine($"Delegated: {grant.Str("delegate")} acts for {grant.Str("delegator")} ({string.Join(", ", grant.Items("delegatorGroups").Select(g => g.GetString()))}) from {grant.Str("startsAt")} until {grant.Str("endsAt")}. Id {grant.Str("id")}.");
            }

            return Verb.Ok;
        });
        return command;
    }

    public static Command CreateList()
    {
        var json = Verb.JsonOption();
        var command = new Command("delegations", "Delegations you granted or received that have not ended (end one early with `aoctl revoke-delegation <id>`).") { json };
        Verb.SetAction(command, async (parse, ct) =>
        {
            using var api = Connection.Open(parse);
            var grants = await api.GetAsync("api/delegations", ct);
            if (parse.GetValue(json))
            {
                Table.WriteJson(Console.Out, grants);
                return Verb.Ok;
            }

            var rows = grants.ValueKind == System.Text.Json.JsonValueKind.Array ? grants.EnumerateArray().ToList() : [];
            if (rows.Count == 0)
            {
                Console.WriteLine("No delegations.");
                return Verb.Ok;
            }

            Table.Write(Console.Out, ["ID", "FROM", "TO", "GROUPS", "STARTS", "ENDS"], rows.Select(g => (IReadOnlyList<string>)[
                g.Str("id"), g.Str("delegator"), g.Str("delegate"), string.Join(",", g.Items("delegatorGroups").Select(x => x.GetString())), g.Str("startsAt"), g.Str("endsAt")]));
            return Verb.Ok;
        });
        return command;
    }

    /// <summary><c>aoctl revoke-delegation &lt;id&gt; [--reason R]</c>: ends a grant now (DELETE /api/delegations/{id}).</summary>
    public static Command CreateRevoke()
    {
        var id = new Argument<Guid>("delegationId") { Description = "The delegation's id (from `aoctl delegations`)." };
        var reason = new Option<string?>("--reason") { Description = "Why, for the audit trail." };
        var command = new Command("revoke-delegation", "End a delegation now: the delegator, the delegate, whoever made it, or an admin may.") { id, reason };
        Verb.SetAction(command, async (parse, ct) =>
        {
            using var api = Connection.Open(parse);
            var why = parse.GetValue(reason);
            await api.DeleteAsync($"api/delegations/{parse.GetValue(id)}" + (string.IsNullOrWhiteSpace(why) ? "" : "?reason=" + Uri.EscapeDataString(why)), ct);
            Console.WriteLine($"Revoked delegation {parse.GetValue(id)}.");
            return Verb.Ok;
        });
        return command;
    }

    private static DateTimeOffset? ParseTime(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return value;
        }

        result.AddError($"'{text}' is not a date and time (ISO 8601, e.g. 2026-07-01T08:00:00Z).");
        return null;
    }
}
