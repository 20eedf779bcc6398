using ApprovalOrchestrator.Application.Identity;
using ApprovalOrchestrator.Application.Workflow;
using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Application.Approvals;

/// <summary>"Release my claim" (<c>DELETE /api/tasks/{id}/claim</c>, the console's Release button): only the holder may.</summary>
public sealed class ReleaseClaim(IWorkflowSteps steps, ITaskDirectory tasks)
{
    public async Task<Result<StepResult>> HandleAsync(Actor who, Guid taskId, CancellationToken cancellationToken = default)
    {
        if (!who.Is(UserRoles.Approver))
        {
            return Refusal.Forbidden($"requires role {UserRoles.Approver}");
        }

        if (await tasks.FindInstanceAsync(taskId) is not { } instance)
        {
            return Refusal.NotFound($"No task {taskId}.");
        }

        var step = await steps.ApplyAsync(instance, (_, _) => new ClaimReleased(taskId, who.User), cancellationToken: cancellationToken);
        return step switch
        {
            null => Refusal.NotFound($"No task {taskId}."),
            { Outcome: StepOutcome.Refused } => Refusal.FromStep(step),
            _ => step,
        };
    }
}
