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
        if (Refusal.Check([], who, UserRoles.Approver) is { } refused)
        {
            return refused;
        }

        var duration = options.Value.ClaimDuration;
        var granted = await delegations.AuthoritiesAsync(who.User);
        var step = await TaskStep.RunAsync(steps, tasks, taskId, _ => new TaskClaimed(taskId, who.User, who.Groups, duration, granted), cancellationToken);
        return step.Value is { } claimed
            ? new TaskClaimTaken(taskId, new InstanceId(claimed.State.Id), claimed.State.FindTask(taskId)!.Claim!, duration)
            : step.Refusal!;
    }
}
