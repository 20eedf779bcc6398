using ApprovalOrchestrator.Contracts.V1;
using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Engine;
using ApprovalOrchestrator.Runtime.Messaging;
using ApprovalOrchestrator.Runtime.Requests;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace ApprovalOrchestrator.Runtime.Approvals;

/// <summary>
/// Decisions from chat-ops bridges (<c>ao-decisions</c>). The bridge vouches for the approver, so the decision is recorded
/// with authenticated = false. A decision that names an action hash must match the task's (else it is refused as stale);
/// one without is not checked (documented as weaker in docs/bus.md). A refused decision is an answer, not a failure: it is logged and acknowledged. Only a
/// malformed decision (no approver, unknown verdict) faults to <c>ao-decisions_error</c>.
/// </summary>
public sealed class SubmitApprovalDecisionConsumer(
    WorkflowEngine engine,
    RequestQueries queries,
    ILogger<SubmitApprovalDecisionConsumer> logger) : IConsumer<SubmitApprovalDecision>
{
    public const int MaxCommentLength = 4000;

    public async Task Consume(ConsumeContext<SubmitApprovalDecision> context)
    {
        var message = context.Message;
        var (verdict, errors) = Validate(message);
        if (errors.Count > 0)
        {
            throw new MessageRejectedException("Rejected SubmitApprovalDecision: " + string.Join("; ", errors));
        }

        if (await queries.FindTaskInstanceAsync(message.TaskId) is not { } instanceId)
        {
            logger.LogWarning("Decision {DecisionId} by {Approver} names unknown task {TaskId}; dropped", message.DecisionId, message.Approver, message.TaskId);
            return;
        }

        var step = await engine.ApplyAsync(
            instanceId,
            (_, _) => new DecisionSubmitted(message.TaskId, message.DecisionId, message.Approver, message.ApproverGroups ?? [], verdict, message.Comment, Authenticated: false, NullIfBlank(message.ActionHash)),
            ClassifyConsumer.InboxFor(context, "decision"),
            context.CancellationToken);
        switch (step)
        {
            case { Outcome: StepOutcome.Refused }:
                logger.LogWarning(
                    "Decision {DecisionId} by {Approver} on task {TaskId} refused ({Refusal}): {Why}",
                    message.DecisionId, message.Approver, message.TaskId, step.Refusal, step.Message);
                break;
            case { Outcome: StepOutcome.Ignored }:
                logger.LogInformation("Decision {DecisionId} on task {TaskId} changed nothing: {Why}", message.DecisionId, message.TaskId, step.Message);
                break;
            case { Outcome: StepOutcome.Applied }:
                logger.LogInformation("Decision {DecisionId} by {Approver} on task {TaskId} recorded via the bus", message.DecisionId, message.Approver, message.TaskId);
                break;
        }
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static (Verdict Verdict, List<FieldError> Errors) Validate(SubmitApprovalDecision message)
    {
        var errors = new List<FieldError>();
        var verdict = message.Decision switch
        {
            "approve" => Verdict.Approve,
            "reject" => Verdict.Reject,
            _ => (Verdict?)null,
        };
        if (verdict is null)
        {
            errors.Add(new("decision", "must be 'approve' or 'reject'."));
        }

        if (message.TaskId == Guid.Empty)
        {
            errors.Add(new("taskId", "is required."));
        }

        if (string.IsNullOrWhiteSpace(message.DecisionId) || message.DecisionId.Length > RequestValidator.MaxIdLength)
        {
            errors.Add(new("decisionId", $"must be 1-{RequestValidator.MaxIdLength} characters."));
        }

        if (string.IsNullOrWhiteSpace(message.Approver) || message.Approver.Length > RequestValidator.MaxIdLength)
        {
            errors.Add(new("approver", $"must be 1-{RequestValidator.MaxIdLength} characters."));
        }

        if (message.ActionHash is { Length: > 200 })
        {
            errors.Add(new("actionHash", "must be at most 200 characters (sha256:<64 hex digits>)."));
        }

        if (message.Comment is { Length: > MaxCommentLength })
        {
            errors.Add(new("comment", $"must be at most {MaxCommentLength} characters."));
        }

        return (verdict ?? Verdict.Reject, errors);
    }
}
