using ApprovalOrchestrator.Core.Delegation;
using ApprovalOrchestrator.Core.Workflow;
using static ApprovalOrchestrator.Core.Tests.Workflow.WorkflowKit;

namespace ApprovalOrchestrator.Core.Tests.Adversarial;

/// <summary>
/// The separation-of-duties rule as a pure function (issue 9, class 4): grants resolved by <see cref="DelegationGraph"/>
/// at a given time, and the state machine refusing every actor whose chains pass through the requester.
/// </summary>
public class DelegationChainRuleTests
{
    private static readonly DateTimeOffset W0 = T2.AddHours(-2);

    private static DelegationGrant Grant(string from, string to, params string[] groups) => new(Guid.NewGuid(), from, to, groups, W0, W0.AddDays(1));

    [Fact]
    public void An_officer_to_requester_to_friend_chain_ties_the_friend_with_the_whole_chain()
    {
        var held = DelegationGraph.Resolve("fred", [Grant("sam", Requester, "security-officers"), Grant(Requester, "fred")], T2);

        Assert.Equal(["sam", Requester, "fred"], DelegationGraph.TieToRequester(Requester, "fred", held));
        Assert.Contains(Requester, DelegationGraph.TiedRequesters("fred", held));
    }

    [Fact]
    public void The_requester_anywhere_in_a_long_chain_ties_everyone_downstream_but_not_upstream()
    {
        DelegationGrant[] grants = [Grant("sam", "xavier", "security-officers"), Grant("xavier", Requester), Grant(Requester, "yves"), Grant("yves", "fred")];

        Assert.Equal(["sam", "xavier", Requester, "yves", "fred"], DelegationGraph.TieToRequester(Requester, "fred", DelegationGraph.Resolve("fred", grants, T2)));
        Assert.NotNull(DelegationGraph.TieToRequester(Requester, "yves", DelegationGraph.Resolve("yves", grants, T2)));
        // Xavier handed authority to the requester; the requester did not hand any to him.
        Assert.Null(DelegationGraph.TieToRequester(Requester, "xavier", DelegationGraph.Resolve("xavier", grants, T2)));
    }

    [Fact]
    public void A_delegate_with_one_clean_and_one_tied_path_is_tied()
    {
        var held = DelegationGraph.Resolve("fred", [Grant("sue", "fred", "security-officers"), Grant(Requester, "fred")], T2);

        Assert.NotNull(DelegationGraph.TieToRequester(Requester, "fred", held));
        Assert.Null(DelegationGraph.TieToRequester("ron", "fred", held));
    }

    [Fact]
    public void A_tie_holds_only_while_every_grant_on_it_is_in_force()
    {
        DelegationGrant[] grants = [new(Guid.NewGuid(), Requester, "fred", [], W0.AddHours(1), W0.AddHours(2))];

        Assert.Null(DelegationGraph.TieToRequester(Requester, "fred", DelegationGraph.Resolve("fred", grants, W0)));
        Assert.NotNull(DelegationGraph.TieToRequester(Requester, "fred", DelegationGraph.Resolve("fred", grants, W0.AddHours(1))));
        Assert.Null(DelegationGraph.TieToRequester(Requester, "fred", DelegationGraph.Resolve("fred", grants, W0.AddHours(2))));
    }

    [Fact]
    public void The_state_machine_refuses_a_tied_approval_even_from_a_group_member_and_a_tied_reject()
    {
        var state = Classified(RedText);
        var taskId = state.Tasks[0].Id;
        var held = DelegationGraph.Resolve("fred", [Grant("sam", Requester, "security-officers"), Grant(Requester, "fred")], T2);

        var approve = Step(state, new DecisionSubmitted(taskId, "d1", "fred", ["security-officers"], Verdict.Approve, null, true, null, held), T2);
        var reject = Step(state, new DecisionSubmitted(taskId, "d2", "fred", [], Verdict.Reject, "no", true, null, held), T2);

        AssertUnchanged(state, approve, StepOutcome.Refused, RefusalReason.SelfApproval);
        Assert.Contains("sam → alice → fred", approve.Message, StringComparison.Ordinal);
        AssertUnchanged(state, reject, StepOutcome.Refused, RefusalReason.SelfApproval);
    }

    [Fact]
    public void The_state_machine_refuses_a_tied_claim_and_a_reassignment_to_a_tied_person()
    {
        var state = Classified(AmberText);
        var taskId = state.Tasks[0].Id;
        var held = DelegationGraph.Resolve("fred", [Grant(Requester, "fred")], T2);

        AssertUnchanged(state, Step(state, new TaskClaimed(taskId, "fred", ["team-leads"], TimeSpan.FromMinutes(15), held), T2), StepOutcome.Refused, RefusalReason.SelfApproval);
        AssertUnchanged(state, Step(state, new TaskReassigned(taskId, "ada", null, "fred", null, held), T2), StepOutcome.Refused, RefusalReason.SelfApproval);
        Assert.False(WorkflowStateMachine.MayAct(state.Tasks[0], "fred", ["team-leads"], held, Requester));
        Assert.True(WorkflowStateMachine.MayAct(state.Tasks[0], "tina", ["team-leads"], null, Requester));
    }

    [Fact]
    public void A_clean_delegated_decision_records_the_whole_chain_on_the_decision_and_in_the_audit()
    {
        var state = Classified(RedText);
        var taskId = state.Tasks[0].Id;
        var held = DelegationGraph.Resolve("cal", [Grant("sam", "bea", "security-officers"), Grant("bea", "cal")], T2);

        var result = Step(state, new DecisionSubmitted(taskId, "d1", "cal", [], Verdict.Approve, null, true, null, held), T2);

        Assert.Equal(StepOutcome.Applied, result.Outcome);
        Assert.Equal(["sam", "bea", "cal"], result.State.Tasks[0].Decisions[0].DelegationChain);
        Assert.Equal(new[] { "sam", "bea", "cal" }, AuditAt(result, 0, AuditKinds.Decision, "cal").Data["delegationChain"]);
    }

    [Fact]
    public void The_requester_may_still_reject_their_own_request_but_never_approve_or_claim_it()
    {
        var state = Classified(AmberText);
        var taskId = state.Tasks[0].Id;

        AssertUnchanged(state, Step(state, Approve(taskId, Requester, "team-leads"), T2), StepOutcome.Refused, RefusalReason.SelfApproval);
        AssertUnchanged(state, Step(state, new TaskClaimed(taskId, Requester, ["team-leads"], TimeSpan.FromMinutes(15)), T2), StepOutcome.Refused, RefusalReason.SelfApproval);
        Assert.Equal(StepOutcome.Applied, Step(state, Reject(taskId, Requester, "team-leads", comment: "changed my mind"), T2).Outcome);
    }
}
