using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Application.Approvals;

/// <summary>Port: which instance an approval task belongs to (read side, committed rows).</summary>
public interface ITaskDirectory
{
    Task<InstanceId?> FindInstanceAsync(Guid taskId);

    /// <summary>The instance holding the task, as committed (for checks before a step, e.g. bulk approval's amber-only rule).</summary>
    Task<WorkflowInstance?> LoadInstanceAsync(Guid taskId);
}
