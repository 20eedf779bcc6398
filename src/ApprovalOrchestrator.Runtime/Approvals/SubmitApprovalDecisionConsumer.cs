using ApprovalOrchestrator.Application;
using ApprovalOrchestrator.Application.Approvals;
using ApprovalOrchestrator.Application.Identity;
using ApprovalOrchestrator.Application.Workflow;
using ApprovalOrchestrator.Contracts.V1;
using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Runtime.Identity;
using ApprovalOrchestrator.Runtime.Messaging;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace ApprovalOrchestrator.Runtime.Approvals;

/// <summary>
/// Decisions on the bus (<c>ao-decisions</c>), never on the publisher's word: the message carries a bearer token,
/// verified by the same validator as the HTTP API. Either it is the approver's own token (role <c>approver</c>; user and
/// groups come from the token, audited <c>authenticated: true</c>), or the token of a bridge configured under
/// <c>Bus:Bridges</c> (role <c>bridge</c>, <c>sub</c> = the bridge's name), which may vouch only for the groups (and
/// users) configured for it (audited with the bridge's name). Establishing who speaks is this adapter's job; what they may
/// do is <see cref="DecideTask"/>'s, the use case the HTTP endpoint and the console call, so the rules are the same.
/// Every refusal is a security event and faults the message to <c>ao-decisions_error</c> with the reason in
/// <c>MT-Fault-Message</c> (and a <c>Fault&lt;SubmitApprovalDecision&gt;</c> published). A decision that lost a race (task
/// closed, action changed, claimed by another) is logged and acknowledged, as over HTTP it is a 409/412, not a 403.
/// </summary>
public sealed class SubmitApprovalDecisionConsumer(
    DecideTask decide,
    IBearerTokenVerifier tokens,
    BusOptions busOptions,
    SecurityEventLog security,
    ILogger<SubmitApprovalDecisionConsumer> logger) : IConsumer<SubmitApprovalDecision>
{
    public async Task Consume(ConsumeContext<SubmitApprovalDecision> context)
    {
        var message = context.Message;
        var claimed = string.IsNullOrWhiteSpace(message.Approver) ? "anonymous" : message.Approver;
        var input = new DecisionInput(message.TaskId, message.Decision, message.Comment, message.DecisionId, message.ActionHash);
        // The use case's own field rule, asked first so a malformed message says what is wrong with it before whose it is.
        if (DecideTask.Validate(input, decisionIdRequired: true) is { Count: > 0 } errors)
        {
            Refuse(400, claimed, message, Describe(errors));
        }

        var who = await AuthenticateAsync(message, claimed, context.CancellationToken);
        var decided = await decide.HandleAsync(who, input, decisionIdRequired: true, Delivery(context), context.CancellationToken);
        switch (decided.Refusal)
        {
            case { Kind: RefusalKind.Invalid } invalid:
                Refuse(400, who.User, message, Describe(invalid.Errors));
                break;
            case { Kind: RefusalKind.Forbidden } forbidden:
                Refuse(403, who.User, message, forbidden.Detail);
                break;
            case { Kind: RefusalKind.NotFound }:
                logger.LogWarning("Decision {DecisionId} by {Approver} names unknown task {TaskId}; dropped", message.DecisionId, who.User, message.TaskId);
                break;
            case { } lost:
                // Lost a race (closed, claimed by another, stale action): as over HTTP a 409/412, not a 403.
                logger.LogWarning(
                    "Decision {DecisionId} by {Approver} on task {TaskId} refused ({Refusal}): {Why}",
                    message.DecisionId, who.User, message.TaskId, lost.Reason, lost.Detail);
                break;
            case null when decided.Value is { Redelivered: true }:
                break; // this delivery was handled before
            case null when decided.Value is { Recorded: false } duplicate:
                logger.LogDebug("Decision {DecisionId} on task {TaskId} changed nothing: {Why}", message.DecisionId, message.TaskId, duplicate.Step?.Message);
                break;
            case null:
                logger.LogDebug("Decision {DecisionId} by {Approver} on task {TaskId} recorded via the bus", message.DecisionId, who.User, message.TaskId);
                break;
        }
    }

    private static string Describe(IReadOnlyList<FieldError> errors) => string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}"));

    private static DeliveryKey Delivery(ConsumeContext context)
    {
        var key = ClassifyConsumer.InboxFor(context, "decision");
        return new DeliveryKey(key.Consumer, key.MessageId);
    }

    /// <summary>The actor the token proves, or a refusal (which throws). Never trusts the message's approver or groups alone.</summary>
    private async Task<Actor> AuthenticateAsync(SubmitApprovalDecision message, string claimed, CancellationToken cancellationToken)
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

        if (identity.Has(UserRoles.Bridge))
        {
            return AsBridge(identity.User, message);
        }

        if (!string.IsNullOrWhiteSpace(message.Approver) && !string.Equals(message.Approver, identity.User, StringComparison.Ordinal))
        {
            Refuse(403, identity.User, message, $"the message names approver '{message.Approver}' but the token is {identity.User}'s");
        }

        // Groups and roles from the token only: the message's ApproverGroups are the publisher's claim and count for nothing here.
        return new Actor(identity.User, identity.Groups, identity.Roles);
    }

    private Actor AsBridge(string bridge, SubmitApprovalDecision message)
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

        if (message.Approver!.Length > RequestValidator.MaxIdLength)
        {
            Refuse(400, bridge, message, $"approver: must be at most {RequestValidator.MaxIdLength} characters.");
        }

        return Actor.VouchedBy(bridge, message.Approver, groups);
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
