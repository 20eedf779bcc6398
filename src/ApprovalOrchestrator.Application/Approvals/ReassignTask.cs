using ApprovalOrchestrator.Application.Delegation;
using ApprovalOrchestrator.Application.Identity;
using ApprovalOrchestrator.Application.Workflow;
using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Application.Approvals;

public sealed record ReassignInput(Guid TaskId, string? Group, string? User, string? Comment);

public sealed record TaskReassignment(Guid TaskId, InstanceId Instance, string Group, string? AssignedTo);

/// <summary>
/// "Move an open task to another group and/or one person" (<c>POST /api/tasks/{id}/reassign</c>), for admins. A person
/// tied to the requester by delegation cannot be given the task (the state machine refuses with their delegations).
/// </summary>
public sealed class ReassignTask(IWorkflowSteps steps, ITaskDirectory tasks, IDelegations delegations)
{
    public static IReadOnlyList<FieldError> Validate(ReassignInput input)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(input.Group) && string.IsNullOrWhiteSpace(input.User))
        {
            errors.Add(new("group", "name a group, a user, or both."));
        }

        return errors
            .AtMost("group", input.Group, RequestValidator.MaxIdLength)
            .AtMost("user", input.User, RequestValidator.MaxIdLength)
            .AtMost("comment", input.Comment, DecideTask.MaxCommentLength);
    }

    public async Task<Result<TaskReassignment>> HandleAsync(Actor who, ReassignInput input, CancellationToken cancellationToken = default)
    {
        if (Refusal.Check(Validate(input), who, UserRoles.Admin) is { } refused)
        {
            return refused;
        }

        var group = NullIfBlank(input.Group);
        var assignee = NullIfBlank(input.User);
        var assigneeDelegations = assignee is null ? null : await delegations.AuthoritiesAsync(assignee);
        var step = await TaskStep.RunAsync(
            steps, tasks, input.TaskId, _ => new TaskReassigned(input.TaskId, who.User, group, assignee, input.Comment, assigneeDelegations), cancellationToken);
        if (step.Value is not { } moved)
        {
            return step.Refusal!;
        }

        var task = moved.State.FindTask(input.TaskId)!;
        return new TaskReassignment(input.TaskId, new InstanceId(moved.State.Id), task.Group, task.AssignedTo);
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
