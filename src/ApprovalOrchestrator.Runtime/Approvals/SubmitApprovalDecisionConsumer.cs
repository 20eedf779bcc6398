using ApprovalOrchestrator.Contracts.V1;
using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Identity;
using ApprovalOrchestrator.Runtime.Messaging;
using ApprovalOrchestrator.Runtime.Requests;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace ApprovalOrchestrator.Runtime.Approvals;

/// <summary>
/// Decisions on the bus (<c>ao-decisions</c>), never on the publisher's word: the message carries a bearer token,
/// verified by the same validator as the HTTP API. Either it is the approver's own token (role <c>approver</c>; user and
/// groups come from the token, audited <c>authenticated: true</c>), or the token of a bridge configured under
/// <c>Bus:Bridges</c> (role <c>bridge</c>, <c>sub</c> = the bridge's name), which may vouch only for the groups (and
/// users) configured for it (audited with the bridge's name). The decision itself goes through <see cref="TaskDecisions"/>,
/// the use case the HTTP endpoint calls, so the rules are the same.
/// Every refusal is a security event and faults the message to <c>ao-decisions_error</c> with the reason in
/// <c>MT-Fault-Message</c> (and a <c>Fault&lt;SubmitApprovalDecision&gt;</c> published). A decision that lost a race (task
/// closed, action changed, claimed by another) is logged and acknowledged, as over HTTP it is a 409/412, not a 403.
/// </summary>
public sealed class SubmitApprovalDecisionConsumer(
    TaskDecisions decisions,
    RequestQueries queries,
    IBearerTokenVerifier tokens,
    BusOptions busOptions,
    SecurityEventLog security,
    ILogger<SubmitApprovalDecisionConsumer> logger) : IConsumer<SubmitApprovalDecision>
{
    public const string BridgeRole = "bridge";

    public async Task Consume(ConsumeContext<SubmitApprovalDecision> context)
    {
        var message = context.Message;
        var claimed = string.IsNullOrWhiteSpace(message.Approver) ? "anonymous" : message.Approver;
        var (verdict, errors) = TaskDecisions.Validate(message.Decision, message.Comment, message.DecisionId ?? "", message.ActionHash);
        if (message.TaskId == Guid.Empty)
        {
            errors.Add(new("taskId", "is required."));
        }

        if (message.Approver is { Length: > RequestValidator.MaxIdLength })
        {
            errors.Add(new("approver", $"must be at most {RequestValidator.MaxIdLength} characters."));
        }

        if (errors.Count > 0)
        {
            Refuse(400, claimed, message, string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")));
        }

        var decider = await AuthenticateAsync(message, claimed, context.CancellationToken);
        if (await queries.FindTaskInstanceAsync(message.TaskId) is not { } instanceId)
        {
            logger.LogWarning("Decision {DecisionId} by {Approver} names unknown task {TaskId}; dropped", message.DecisionId, decider.User, message.TaskId);
            return;
        }

        var step = await decisions.DecideAsync(
            decider, instanceId, message.TaskId, message.DecisionId!, verdict, message.Comment, message.ActionHash!,
            ClassifyConsumer.InboxFor(context, "decision"), context.CancellationToken);
        switch (step)
        {
            case { Outcome: StepOutcome.Refused, Refusal: RefusalReason.NotInGroup or RefusalReason.SelfApproval }:
                Refuse(403, decider.User, message, step.Message!);
                break;
            case { Outcome: StepOutcome.Refused }:
                logger.LogWarning(
                    "Decision {DecisionId} by {Approver} on task {TaskId} refused ({Refusal}): {Why}",
                    message.DecisionId, decider.User, message.TaskId, step.Refusal, step.Message);
                break;
            case { Outcome: StepOutcome.Ignored }:
                logger.LogDebug("Decision {DecisionId} on task {TaskId} changed nothing: {Why}", message.DecisionId, message.TaskId, step.Message);
                break;
            case { Outcome: StepOutcome.Applied }:
                logger.LogDebug("Decision {DecisionId} by {Approver} on task {TaskId} recorded via the bus", message.DecisionId, decider.User, message.TaskId);
                break;
        }
    }

    /// <summary>The decider the token proves, or a refusal (which throws). Never trusts the message's approver or groups alone.</summary>
    private async Task<Decider> AuthenticateAsync(SubmitApprovalDecision message, string claimed, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(message.BearerToken))
        {
            Refuse(401, claimed, message, "no bearer token: a bus decision carries the approver's token or a configured bridge's");
        }

        var check = await tokens.VerifyAsync(message.BearerToken!.Trim(), cancellationToken);
        var identity = check.Identity;
        if (identity is null)
        {
            Refuse(401, claimed, message, check.Failure ?? "invalid token");
        }

        if (identity.Has(BridgeRole))
        {
            return AsBridge(identity.User, message);
        }

        if (!identity.Has(TaskDecisions.ApproverRole))
        {
            Refuse(403, identity.User, message, $"requires role {TaskDecisions.ApproverRole}");
        }

        if (!string.IsNullOrWhiteSpace(message.Approver) && !string.Equals(message.Approver, identity.User, StringComparison.Ordinal))
        {
            Refuse(403, identity.User, message, $"the message names approver '{message.Approver}' but the token is {identity.User}'s");
        }

        // Groups from the token only: the message's ApproverGroups are the publisher's claim and count for nothing here.
        return new Decider(identity.User, identity.Groups, Authenticated: true);
    }

    private Decider AsBridge(string bridge, SubmitApprovalDecision message)
    {
        if (!busOptions.Bridges.TryGetValue(bridge, out var allowed))
        {
            Refuse(403, bridge, message, $"bridge '{bridge}' is not configured (Bus:Bridges)");
        }

        if (string.IsNullOrWhiteSpace(message.Approver))
        {
            Refuse(400, bridge, message, "approver is required when a bridge vouches for the decision");
        }

        var groups = (message.ApproverGroups ?? []).Distinct(StringComparer.Ordinal).ToArray();
        if (groups.FirstOrDefault(g => !allowed!.Groups.Contains(g, StringComparer.Ordinal)) is { } foreign)
        {
            Refuse(403, bridge, message, $"bridge '{bridge}' may not speak for group '{foreign}'");
        }

        if (allowed!.Users.Count > 0 && !allowed.Users.Contains(message.Approver!, StringComparer.Ordinal))
        {
            Refuse(403, bridge, message, $"bridge '{bridge}' may not speak for approver '{message.Approver}'");
        }

        return new Decider(message.Approver!, groups, Authenticated: false, Bridge: bridge);
    }

    /// <summary>Records the refusal and faults the message with the reason (the publisher sees it in the fault).</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void Refuse(int status, string actor, SubmitApprovalDecision message, string why)
    {
        var reason = $"decision {Clip(message.DecisionId)} on task {message.TaskId}: {why}";
        security.Record(status, actor, "BUS", busOptions.RabbitMq.Prefix + QueueNames.Decisions, reason, null);
        logger.LogWarning("Refused SubmitApprovalDecision: {Reason}", reason);
        throw new MessageRejectedException("Rejected SubmitApprovalDecision: " + why);
    }

    private static string Clip(string? text) => text is null ? "(none)" : text.Length <= 200 ? text : text[..200];
}
