using ApprovalOrchestrator.Application.Delegation;
using ApprovalOrchestrator.Application.Identity;
using ApprovalOrchestrator.Core.Delegation;
using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Application.Approvals;

/// <summary>
/// Whose tasks an approver sees: their own groups plus delegated ones, the people who delegated to them, and never the
/// requests of anyone tied to them by delegation (the separation-of-duties rule the decision and the claim apply).
/// </summary>
public sealed record InboxScope(string User, IReadOnlyList<string> Groups, IReadOnlyList<string> Delegators, IReadOnlyList<string> TiedRequesters);

/// <summary>What an approver may see of tasks: the inbox (<c>GET /api/tasks</c>, the console inbox) and one task.</summary>
public sealed class TaskVisibility(IDelegations delegations)
{
    public async Task<InboxScope> InboxAsync(Actor who)
    {
        var granted = await delegations.AuthoritiesAsync(who.User);
        var groups = who.Groups.Concat(granted.SelectMany(g => g.Groups)).Distinct(StringComparer.Ordinal).ToArray();
        return new InboxScope(who.User, groups, granted.Select(g => g.Delegator).ToArray(), DelegationGraph.TiedRequesters(who.User, granted).ToArray());
    }

    /// <summary>Auditors and admins read every task; an approver only one they may act on (never their own request, nor through it).</summary>
    public async Task<bool> MayReadAsync(Actor who, WorkflowInstance instance, Guid taskId) =>
        who.Is(UserRoles.Admin) || who.Is(UserRoles.Auditor) || await MayActAsync(who, instance, taskId);

    /// <summary>Whether <paramref name="who"/> may decide or claim the task: the state machine's own rule, with their delegations.</summary>
    public async Task<bool> MayActAsync(Actor who, WorkflowInstance instance, Guid taskId) =>
        who.Is(UserRoles.Approver)
        && instance.FindTask(taskId) is { } task
        && WorkflowStateMachine.MayAct(task, who.User, who.Groups, await delegations.AuthoritiesAsync(who.User), instance.Request.Requester);

    /// <summary>The delegation chain that ties <paramref name="who"/> to the requester, if any (for the console's explanation).</summary>
    public async Task<IReadOnlyList<string>?> TieToRequesterAsync(Actor who, WorkflowInstance instance) =>
        DelegationGraph.TieToRequester(instance.Request.Requester, who.User, await delegations.AuthoritiesAsync(who.User));
}
