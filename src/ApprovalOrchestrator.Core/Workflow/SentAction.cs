namespace ApprovalOrchestrator.Core.Workflow;

/// <summary>
/// The action as it leaves the orchestrator: the request with the guardrails' redacted text and tool arguments (the
/// request itself when the definition has no guardrails). The action hash, the approver's view and the Gateway call
/// are all built from this one value, so what people approve is what is sent.
/// </summary>
public static class SentAction
{
    public static AgentRequest Of(WorkflowInstance state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Classification?.Guardrails?.Outgoing is { } outgoing
            ? state.Request with
            {
                Text = outgoing.Text,
                Tool = state.Request.Tool is { } tool ? tool with { Args = outgoing.ToolArgs } : null,
            }
            : state.Request;
    }
}
