using System.Diagnostics;
using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Runtime.Telemetry;

/// <summary>What one committed workflow step tells the span and the metrics: names, versions, risk, status only.</summary>
internal static class StepTelemetry
{
    public static string SpanName(WorkflowEvent @event) => @event switch
    {
        Classified => "classify",
        DecisionSubmitted => "decide",
        TimerElapsed => "timer",
        ExecutionStarting => "execute start",
        ExecutionFinished => "execute finish",
        RequestWithdrawn => "withdraw",
        TaskClaimed or ClaimReleased => "claim",
        TaskReassigned => "reassign",
        _ => "step",
    };

    public static void Tag(Activity? activity, WorkflowInstance state, StepOutcome outcome)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("approval.instance.id", state.Id.ToString());
        activity.SetTag("approval.definition.id", state.Definition.Id);
        activity.SetTag("approval.definition.version", state.Definition.Version);
        activity.SetTag("approval.risk", Risk(state));
        activity.SetTag("approval.status", Status(state.Status));
        activity.SetTag("approval.step.outcome", outcome.ToString().ToLowerInvariant());
    }

    /// <summary>Records a committed step's counters: completions, escalations, expiries, decided tasks' latency.</summary>
    public static void RecordCommitted(WorkflowInstance before, StepResult step, DateTimeOffset now)
    {
        var risk = new KeyValuePair<string, object?>("risk", Risk(step.State));
        foreach (var effect in step.Effects)
        {
            switch (effect)
            {
                case AppendAudit { Kind: AuditKinds.Escalated }:
                    OrchestratorTelemetry.Escalations.Add(1, risk);
                    break;
                case AppendAudit { Kind: AuditKinds.Expired }:
                    OrchestratorTelemetry.Expiries.Add(1, risk);
                    break;
                case NotifyCompleted:
                    OrchestratorTelemetry.RequestsCompleted.Add(1, risk, new("status", Status(step.State.Status)));
                    break;
            }
        }

        foreach (var task in step.State.Tasks)
        {
            if (task.Status is ApprovalTaskStatus.Approved or ApprovalTaskStatus.Rejected
                && before.FindTask(task.Id) is { Status: ApprovalTaskStatus.Open })
            {
                OrchestratorTelemetry.ApprovalLatency.Record((now - task.OpenedAt).TotalSeconds, risk, new("outcome", task.Status.ToString().ToLowerInvariant()));
            }
        }
    }

    public static string Risk(WorkflowInstance state) => state.Classification?.Risk.ToString().ToLowerInvariant() ?? "unclassified";

    public static string Status(InstanceStatus status) => status switch
    {
        InstanceStatus.AwaitingApproval => "awaiting-approval",
        InstanceStatus.DryRun => "dry-run",
        InstanceStatus.NeedsReview => "needs-review",
        _ => status.ToString().ToLowerInvariant(),
    };
}
