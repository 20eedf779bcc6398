using System.CommandLine;
using ApprovalOrchestrator.Cli.Identity;
using ApprovalOrchestrator.Cli.Output;

namespace ApprovalOrchestrator.Cli.Approvals;

/// <summary><c>aoctl withdraw &lt;id&gt;</c>: the requester takes back their own request (<c>POST /api/requests/{id}/withdraw</c>).</summary>
public static class WithdrawCommand
{
    public static Command Create()
    {
        var id = new Argument<Guid>("requestId") { Description = "The request's orchestrator id (the `id` the submit answered with; `request` in `aoctl show`)." };
        var reason = new Option<string?>("--reason") { Description = "Why (recorded in the audit trail)." };
        var json = Verb.JsonOption();
        var command = new Command("withdraw", "Withdraw your own request while it awaits approval: its open tasks close and nothing runs.") { id, reason, json };
        Verb.SetAction(command, async (parse, ct) =>
        {
            using var api = Connection.Open(parse);
            var why = parse.GetValue(reason);
            var answer = await api.PostAsync($"api/requests/{parse.GetValue(id)}/withdraw", why is null ? null : new { reason = why }, ct);
            if (parse.GetValue(json))
            {
                Table.WriteJson(Console.Out, answer);
            }
            else
            {
                Console.WriteLine($"Withdrew request {parse.GetValue(id)}: status {(answer.Str("status") is { Length: > 0 } s ? s : "withdrawn")}.");
            }

            return Verb.Ok;
        });
        return command;
    }
}
