using ApprovalOrchestrator.Application.Approvals;
using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Runtime.Requests;

/// <summary>The use cases' <see cref="ITaskDirectory"/>, on the read side.</summary>
internal sealed class TaskDirectory(RequestQueries queries) : ITaskDirectory
{
    public async Task<InstanceId?> FindInstanceAsync(Guid taskId) =>
        await queries.FindTaskInstanceAsync(taskId) is { } id ? new InstanceId(id) : null;

    public async Task<WorkflowInstance?> LoadInstanceAsync(Guid taskId) =>
        (await queries.GetTaskAsync(taskId))?.Instance;
}
