using ApprovalOrchestrator.Application.Workflow;
using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Application.Approvals;

/// <summary>One workflow step on the instance that holds a task: not found when there is none, the state machine's refusal when it refuses.</summary>
internal static class TaskStep
{
    public static async Task<Result<StepResult>> RunAsync(
        IWorkflowSteps steps, ITaskDirectory tasks, Guid taskId, Func<WorkflowInstance, WorkflowEvent> createEvent, CancellationToken cancellationToken)
    {
        if (await tasks.FindInstanceAsync(taskId) is not { } instance)
        {
            return Refusal.NotFound($"No task {taskId}.");
        }

        var step = await steps.ApplyAsync(instance, (state, _) => createEvent(state), cancellationToken: cancellationToken);
        return step switch
        {
            null => Refusal.NotFound($"No task {taskId}."),
            { Outcome: StepOutcome.Refused } => Refusal.FromStep(step),
            _ => step,
        };
    }
}
