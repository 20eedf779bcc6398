using System.Text;
using System.Text.Json.Nodes;
using ApprovalOrchestrator.Application;
using ApprovalOrchestrator.Application.Approvals;
using ApprovalOrchestrator.Application.Identity;
using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Approvals;
using ApprovalOrchestrator.Runtime.Definitions;
using ApprovalOrchestrator.Runtime.Engine;
using ApprovalOrchestrator.Runtime.Identity;
using ApprovalOrchestrator.Runtime.Notifications;
using ApprovalOrchestrator.Runtime.Notifications.Slack;
using ApprovalOrchestrator.Runtime.Requests;
using ApprovalOrchestrator.Server.Hosting;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Server.Notifications.Slack;

/// <summary>
/// <c>POST /integrations/slack/interactions</c>, the Slack app's interactivity Request URL. No sign-in: the request
/// signature is the whole gate. Missing, malformed, wrong, stale (either way) or replayed signatures get 401 and a
/// security event before the body is even parsed. A verified click decides as the approver its Slack user is mapped to
/// (<c>Notifications:Slack:Users</c>), in the groups the directory lists for them, through <see cref="DecideTask"/>,
/// the use case behind the HTTP API and the bus: action hash, separation of duties, quorum and "reject needs a reason"
/// all apply. Slack gets 200 with a message for the person who clicked (the original message is replaced once the task
/// is closed).
/// </summary>
public static class SlackInteractionEndpoint
{
    public const string Path = "/integrations/slack/interactions";

    public static void MapSlackInteractions(this IEndpointRouteBuilder app) =>
        app.MapPost(Path, HandleAsync).AllowAnonymous().WithTags("Integrations").ExcludeFromDescription();

    private static async Task<IResult> HandleAsync(
        HttpContext http, IOptions<NotificationsOptions> options, SlackReplayGuard replays, SecurityEventLog security, TimeProvider clock,
        DecideTask decide, IApproverGroupDirectory directory, ILoggerFactory logs)
    {
        var slack = options.Value.Slack;
        if (!slack.Interactive)
        {
            return Problems.Status(StatusCodes.Status404NotFound, "Not found", "Slack interactivity is not configured (Notifications:Slack:SigningSecret).");
        }

        var logger = logs.CreateLogger(typeof(SlackInteractionEndpoint));
        if (slack.SigningSecretValue(out var problem) is not { } secret)
        {
            logger.LogError("Slack interaction refused: the signing secret is unavailable ({Problem})", problem);
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "Slack interactivity is unavailable", "The signing secret could not be read.");
        }

        var body = await ReadBodyAsync(http.Request);
        var signature = http.Request.Headers[SlackSignature.SignatureHeader].ToString();
        if (SlackSignature.Check(secret, http.Request.Headers[SlackSignature.TimestampHeader].ToString(), signature, body, clock.GetUtcNow()) is { } failure)
        {
            return Unauthorized(http, security, failure);
        }

        // Only after the MAC checks out: an unsigned flood never writes to the database.
        if (!await replays.FirstUseAsync(signature))
        {
            return Unauthorized(http, security, "replayed request: this signature was already used");
        }

        var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));
        if (!form.TryGetValue("payload", out var payload) || SlackInteraction.Parse(payload.ToString()) is not { } click)
        {
            return Problems.Validation([new FieldError("payload", "must be the interaction payload as JSON (form field payload=…).")]);
        }

        if (click.Type != "block_actions" || click.ActionId is not (SlackActions.Approve or SlackActions.Reject))
        {
            return Results.Ok(); // e.g. the "Open in console" link button: Slack only wants the acknowledgement
        }

        var slackUser = click.UserId ?? "";
        if (slack.ApproverFor(slackUser) is not { } approver)
        {
            Record(http, security, StatusCodes.Status403Forbidden, $"slack:{Clip(slackUser)}", "Slack user is not mapped to an approver (Notifications:Slack:Users)");
            return Reply(SlackMessage.Ephemeral("Refused: your Slack account is not mapped to an approver. Ask an administrator, or decide in the console."));
        }

        if (SlackButtonValue.Decode(click.Value) is not { } button)
        {
            return Reply(SlackMessage.Ephemeral("Refused: this button does not name a task. Decide in the console."));
        }

        var decision = click.ActionId == SlackActions.Approve ? "approve" : "reject";
        var comment = string.IsNullOrWhiteSpace(click.Reason) ? null : click.Reason.Trim();
        var decisionId = $"slack-{(string.IsNullOrWhiteSpace(click.TriggerId) ? Guid.NewGuid().ToString("N") : click.TriggerId)}";
        var verdict = click.ActionId == SlackActions.Approve ? Verdict.Approve : Verdict.Reject;
        var input = new DecisionInput(button.TaskId, decision, comment, decisionId.Length <= RequestValidator.MaxIdLength ? decisionId : Guid.NewGuid().ToString("N"), button.ActionHash);
        // A Slack click carries no token with groups: the directory says which groups the approver is in, and the
        // audit records that Slack vouched (bridge slack:<user id>, authenticated false).
        var who = Actor.VouchedBy($"slack:{Clip(slackUser)}", approver, directory.GroupsOf(approver));
        var decided = await decide.HandleAsync(who, input, cancellationToken: http.RequestAborted);
        return Answer(http, security, who, button.TaskId, verdict, decided);
    }

    /// <summary>The use case's answer, in words for the person who clicked (the rules are all <see cref="DecideTask"/>'s).</summary>
    private static IResult Answer(HttpContext http, SecurityEventLog security, Actor who, Guid taskId, Verdict verdict, Result<DecisionTaken> decided)
    {
        switch (decided.Refusal)
        {
            case { Kind: RefusalKind.Invalid } invalid:
                var reject = verdict == Verdict.Reject && invalid.Errors.Any(e => e.Field == "comment" && e.Message.StartsWith("is required", StringComparison.Ordinal));
                return Reply(SlackMessage.Ephemeral(reject
                    ? "Not rejected: a rejection needs a reason. Type it into \"Reason (required to reject)\" above, then press Reject again."
                    : "Refused: " + string.Join(" ", invalid.Errors.Select(e => $"{e.Field} {e.Message}"))));
            case { Kind: RefusalKind.NotFound }:
                return Reply(SlackMessage.Ephemeral($"Refused: there is no task {taskId}."));
            case { IsSecurityEvent: true } forbidden:
                Record(http, security, StatusCodes.Status403Forbidden, who.User, $"{who.Bridge}: {forbidden.Detail}");
                return Reply(SlackMessage.Ephemeral($"Refused: {forbidden.Detail}"));
            case { Kind: RefusalKind.StaleAction }:
                return Reply(SlackMessage.Ephemeral("Refused: the action changed since this message was posted. Review the task again in the console; nothing was decided."));
            case { } other:
                return Reply(SlackMessage.Ephemeral($"Refused: {other.Detail}"));
        }

        var step = decided.Value!.Step!;
        if (!decided.Value.Recorded)
        {
            return Reply(SlackMessage.Ephemeral($"Nothing changed: {step.Message}"));
        }

        var task = step.State.FindTask(taskId)!;
        var verb = verdict == Verdict.Approve ? "Approved" : "Rejected";
        return task.Status == ApprovalTaskStatus.Open
            ? Reply(SlackMessage.Ephemeral($"{verb} as {who.User}: {task.ApproversAtCurrentTier.Count} of {task.RequiredApprovals} approval(s) so far."))
            : Reply(SlackMessage.Closed($"{verb} by {who.User} (task {task.Status.ToString().ToLowerInvariant()}; request {step.State.Status.ToWire()})."));
    }

    private static IResult Unauthorized(HttpContext http, SecurityEventLog security, string why)
    {
        Record(http, security, StatusCodes.Status401Unauthorized, "anonymous", "Slack interaction: " + why);
        return Problems.Status(StatusCodes.Status401Unauthorized, "Unauthorized", "The request is not signed by Slack with this app's signing secret, or is stale or replayed.");
    }

    private static void Record(HttpContext http, SecurityEventLog security, int status, string actor, string why) =>
        security.Record(status, actor, http.Request.Method, Path, why, http.Connection.RemoteIpAddress?.ToString());

    private static IResult Reply(JsonObject message) => Results.Text(message.ToJsonString(), "application/json", Encoding.UTF8);

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        return buffer.ToArray();
    }

    private static string Clip(string text) => text.Length <= 64 ? text : text[..64];
}
