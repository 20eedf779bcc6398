using System.CommandLine;
using ApprovalOrchestrator.Cli.Http;
using ApprovalOrchestrator.Cli.Identity;
using ApprovalOrchestrator.Cli.Output;

namespace ApprovalOrchestrator.Cli.Approvals;

/// <summary>
/// <c>aoctl approve|reject &lt;taskId&gt;</c>: <c>POST /api/tasks/{id}/decision</c>, bound to the action reviewed. The hash
/// is the one given with <c>--action-hash</c> (as printed by <c>aoctl show</c>), else the task's as fetched just before.
/// </summary>
public static class DecideCommand
{
    public static Command Create(string verdict)
    {
        var approve = verdict == "approve";
        var id = new Argument<Guid>("taskId") { Description = "The task id (the TASK column of `aoctl tasks`)." };
        var comment = new Option<string?>("--comment") { Description = approve ? "Why (optional)." : "Why (required to reject)." };
        if (!approve)
        {
            comment.Required = true;
        }

        var hash = new Option<string?>("--action-hash")
        {
            Description = "The action hash you reviewed (`aoctl show`): the decision is refused if the task's action is no longer that one. Default: the task's current hash.",
        };
        var json = Verb.JsonOption();
        var command = new Command(verdict, approve
            ? "Approve a task (counts towards its quorum; the requester can never approve their own request)."
            : "Reject a task, saying why (one reject closes it under the default reject policy).")
        {
            id, comment, hash, json,
        };
        command.Validators.Add(result =>
        {
            if (!approve && string.IsNullOrWhiteSpace(result.GetValue(comment)))
            {
                result.AddError("A reject needs a --comment saying why.");
            }
        });
        Verb.SetAction(command, async (parse, ct) =>
        {
            var taskId = parse.GetValue(id);
            using var api = Connection.Open(parse);
            var actionHash = parse.GetValue(hash);
            if (string.IsNullOrWhiteSpace(actionHash))
            {
                actionHash = (await api.GetAsync($"api/tasks/{taskId}", ct)).Str("actionHash");
            }

            var body = new { decision = verdict, actionHash, comment = parse.GetValue(comment), decisionId = Guid.NewGuid().ToString("N") };
            System.Text.Json.JsonElement answer;
            try
            {
                answer = await api.PostAsync($"api/tasks/{taskId}/decision", body, ct);
            }
            catch (ApiException ex) when (ex.Status == 412)
            {
                throw new ApiException(412, $"{ex.Message} Nothing was decided: run `aoctl show {taskId}` to review the action as it is now.");
            }

            if (parse.GetValue(json))
            {
                Table.WriteJson(Console.Out, answer);
                return Verb.Ok;
            }

            var recorded = answer.TryGetProperty("recorded", out var r) && r.GetBoolean();
            Console.WriteLine(recorded
                ? $"{(approve ? "Approved" : "Rejected")} task {taskId}: task {answer.Str("taskStatus")} ({answer.Items("approvals").Count()}/{answer.Str("required")} approvals), request {answer.Str("requestStatus")}."
                : $"Nothing changed on task {taskId}: {answer.Str("note")}");
            return Verb.Ok;
        });
        return command;
    }
}
