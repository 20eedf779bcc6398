using ApprovalOrchestrator.Application.Identity;
using ApprovalOrchestrator.Application.Workflow;
using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Application.Requests;

/// <summary>
/// "Take my request back before anything ran" (<c>POST /api/requests/{id}/withdraw</c>): only the requester, only
/// before execution starts (the state machine's rules).
/// </summary>
public sealed class WithdrawRequest(IWorkflowSteps steps)
{
    public const int MaxReasonLength = 4000;

    public async Task<Result<WorkflowInstance>> HandleAsync(Actor who, InstanceId instance, string? reason, CancellationToken cancellationToken = default)
    {
        if (Refusal.Check(new List<FieldError>().AtMost("reason", reason, MaxReasonLength), who, UserRoles.Submitter) is { } refused)
        {
            return refused;
        }

        var step = await steps.ApplyAsync(instance, (_, _) => new RequestWithdrawn(who.User, reason), cancellationToken: cancellationToken);
        return step switch
        {
            null => Refusal.NotFound($"No request {instance}."),
            { Outcome: StepOutcome.Refused } => Refusal.FromStep(step, closedTitle: "Cannot withdraw"),
            _ => step.State,
        };
    }
}
