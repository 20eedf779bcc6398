using System.Data;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Runtime.Execution;

/// <summary>An execution start committed in this process, handed to <see cref="LocalExecutions"/> to make its call.</summary>
/// <param name="State">The instance as committed with the start (its lease written in the same transaction).</param>
public sealed record StartedExecution(WorkflowInstance State, CallGateway Call, WorkflowDefinition Definition, string? TraceParent);

/// <summary>What the step that records "execution started" checks in its own transaction, wherever that step runs.</summary>
internal static class ExecutionStart
{
    /// <summary>
    /// The kill switch, against the stored halts in this transaction (under the control row's share lock on PostgreSQL):
    /// no start commits after a halt covering it committed, on any node. The board only spares the read of the halts
    /// when nothing changed since it last looked.
    /// </summary>
    public static async Task<Core.Controls.Halt?> HaltCoveringAsync(
        IDbConnection connection, IDbTransaction tx, Controls.HaltBoard halts, WorkflowInstance instance, WorkflowDefinition definition) =>
        instance.Status == InstanceStatus.Executing
            ? Controls.HaltTargets.Covering(await Controls.HaltRows.InForceForStartAsync(connection, tx, halts.Current), instance, definition)
            : null;
}
