using ApprovalOrchestrator.Application.Identity;
using ApprovalOrchestrator.Application.Workflow;
using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Application.Approvals;

/// <summary>"Release my claim" (<c>DELETE /api/tasks/{id}/claim</c>, the console's Release button): only the holder may.</summary>
public sealed class ReleaseClaim(IWorkflowSteps steps, ITaskDirectory tasks)
{
    public async Task<Result<StepResult>> HandleAsync(Actor who, Guid taskId, CancellationToken cancellationToken = default)
    {
        if (Refusal.Check([], who, UserRoles.Approver) is { } refused)
        {
            return refused;
        }

        return await TaskStep.RunAsync(steps, tasks, taskId, _ => new ClaimReleased(taskId, who.User), cancellationToken);
    }
}
