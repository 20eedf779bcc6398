using ApprovalOrchestrator.Core.Guardrails;
using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Runtime.Execution;

/// <summary>
/// The guardrails around one Gateway call: what is sent is <see cref="SentAction"/> (the classification's redacted
/// request, the one the approvers' action hash covers), and the answer is screened before anything stores, publishes or
/// shows it.
/// </summary>
internal static class GuardedExecution
{
    /// <summary>
    /// Null when what is about to be sent is what was approved; otherwise why not (nothing is then sent). The hash is
    /// recomputed from the stored request: an approval binds to exactly these bytes' content, whatever changed since.
    /// </summary>
    public static string? ApprovalMismatch(WorkflowInstance state)
    {
        var approved = state.Tasks.LastOrDefault(t => t.Status == ApprovalTaskStatus.Approved);
        if (approved is null || approved.ActionHash.Length == 0)
        {
            return null;
        }

        var sending = ActionHash.Compute(SentAction.Of(state), state.Definition.Hash);
        return string.Equals(sending, approved.ActionHash, StringComparison.Ordinal)
            ? null
            : $"What would be sent ({sending}) is not what was approved ({approved.ActionHash}); nothing was sent.";
    }

    /// <summary>The outgoing classification reason (placeholders in place of redacted values).</summary>
    public static string? SentReason(WorkflowInstance state) =>
        state.Classification?.Guardrails?.Outgoing.Reason ?? state.Classification?.Reason;

    /// <summary>The outcome with its answer and error screened by <paramref name="policy"/> (unchanged without one).</summary>
    public static GatewayOutcome Screen(GatewayOutcome outcome, WorkflowInstance state, GuardrailPolicy? policy)
    {
        if (policy is null)
        {
            return outcome;
        }

        // The request's placeholders first (deterministic from request and policy), so the answer's numbering follows on.
        var (_, redaction) = OutgoingRedaction.Redact(state.Request.Text, state.Request.Tool?.Args, state.Classification?.Reason ?? string.Empty, policy);
        var screened = ResponseScreen.Screen(outcome.Response, outcome.Error, policy, redaction);
        return outcome with { Response = screened.Response, Error = screened.Error, ResponseGuardrails = screened.Screening };
    }
}
