using ApprovalOrchestrator.Application.Delegation;
using ApprovalOrchestrator.Application.Identity;
using ApprovalOrchestrator.Application.Workflow;
using ApprovalOrchestrator.Core.Workflow;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Application.Approvals;

/// <summary>A claim taken: others see who reviews the task until <see cref="TaskClaim.ExpiresAt"/>.</summary>
public sealed record TaskClaimTaken(Guid TaskId, InstanceId Instance, TaskClaim Claim, TimeSpan Duration);

/// <summary>"Claim a task for review" (<c>POST /api/tasks/{id}/claim</c>, the console's Claim button): the same authority as deciding.</summary>
public sealed class ClaimTask(IWorkflowSteps steps, ITaskDirectory tasks, IDelegations delegations, IOptions<ApprovalsOptions> options)
{
    public async Task<Result<TaskClaimTaken>> HandleAsync(Actor who, Guid taskId, CancellationToken cancellationToken = default)
    {
        if (!who.Is(UserRoles.Approver))
        {
            return Refusal.Forbidden($"requires role {UserRoles.Approver}");
        }

        if (await tasks.FindInstanceAsync(taskId) is not { } instance)
        {
            return Refusal.NotFound($"No task {taskId}.");
        }

        var duration = options.Value.ClaimDuration;
        var granted = await delegations.AuthoritiesAsync(who.User);
        var step = await steps.ApplyAsync(instance, (_, _) => new TaskClaimed(taskId, who.User, who.Groups, duration, granted), cancellationToken: cancellationToken);
        return step switch
        {
            null => Refusal.NotFound($"No task {taskId}."),
            { Outcome: StepOutcome.Refused } => Refusal.FromStep(step),
            _ => new TaskClaimTaken(taskId, instance, step.State.FindTask(taskId)!.Claim!, duration),
        };
    }
}
