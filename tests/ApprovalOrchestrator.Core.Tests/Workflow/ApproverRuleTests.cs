using ApprovalOrchestrator.Core.Delegation;
using ApprovalOrchestrator.Core.Workflow;
using static ApprovalOrchestrator.Core.Tests.Workflow.WorkflowKit;

namespace ApprovalOrchestrator.Core.Tests.Workflow;

/// <summary>The approver rules in the pure state machine and delegation graph: allowed and refused, with no clock but the one passed in.</summary>
public class ApproverRuleTests
{
    private static readonly DateTimeOffset W0 = T2;

    [Fact]
    public void A_task_carries_the_action_hash_and_a_decision_naming_another_is_refused()
    {
        var state = Classified(AmberText);
        var task = state.Tasks[0];
        Assert.Equal(ActionHash.Compute(state.Request, Ref.Hash), task.ActionHash);

        var stale = Step(state, Approve(task.Id, "tina", "team-leads") with { ActionHash = "sha256:other" }, T2);
        AssertUnchanged(state, stale, StepOutcome.Refused, RefusalReason.StaleAction);
        Assert.Equal(StepOutcome.Applied, Step(state, Approve(task.Id, "tina", "team-leads") with { ActionHash = task.ActionHash }, T2).Outcome);
    }

    [Fact]
    public void The_action_hash_changes_with_agent_text_tool_args_and_definition()
    {
        var request = Request(AmberText, ShellTool());
        var hashes = new[]
        {
            ActionHash.Compute(request, "sha256:a"),
            ActionHash.Compute(request, "sha256:b"),
            ActionHash.Compute(request with { AgentId = "other" }, "sha256:a"),
            ActionHash.Compute(request with { Text = AmberText + "!" }, "sha256:a"),
            ActionHash.Compute(request with { Tool = request.Tool! with { Args = System.Text.Json.JsonDocument.Parse("""{"command":"rm"}""").RootElement } }, "sha256:a"),
        };
        Assert.Equal(hashes.Length, hashes.Distinct().Count());
    }

    [Fact]
    public void A_claim_blocks_others_until_it_expires()
    {
        var state = Classified(AmberText);
        var taskId = state.Tasks[0].Id;
        var claimed = Applied(state, new TaskClaimed(taskId, "tina", ["team-leads"], TimeSpan.FromMinutes(15)), W0);

        AssertUnchanged(claimed, Step(claimed, new TaskClaimed(taskId, "tom", ["team-leads"], TimeSpan.FromMinutes(15)), W0.AddMinutes(5)), StepOutcome.Refused, RefusalReason.ClaimedByOther);
        AssertUnchanged(claimed, Step(claimed, Approve(taskId, "tom", "team-leads"), W0.AddMinutes(5)), StepOutcome.Refused, RefusalReason.ClaimedByOther);
        Assert.Equal(StepOutcome.Applied, Step(claimed, Approve(taskId, "tina", "team-leads"), W0.AddMinutes(5)).Outcome);
        Assert.Equal(StepOutcome.Applied, Step(claimed, Approve(taskId, "tom", "team-leads"), W0.AddMinutes(15)).Outcome);
    }

    [Fact]
    public void Only_the_requester_withdraws_and_open_timers_are_cancelled()
    {
        var state = Classified(AmberText);
        AssertUnchanged(state, Step(state, new RequestWithdrawn("mallory", null), T2), StepOutcome.Refused, RefusalReason.NotRequester);

        var result = Step(state, new RequestWithdrawn(Requester, "changed my mind"), T2);
        Assert.Equal(InstanceStatus.Withdrawn, result.State.Status);
        Assert.Equal(ApprovalTaskStatus.Withdrawn, result.State.Tasks[0].Status);
        Assert.Contains(result.Effects, e => e is CancelTimer c && c.Token == state.Tasks[0].TimerToken);
        Assert.Contains(result.Effects, e => e is NotifyCompleted);
    }

    [Fact]
    public void A_delegate_acts_for_the_delegator_and_counts_as_them_in_a_quorum()
    {
        var state = Classified(RedText);
        var taskId = state.Tasks[0].Id;
        DelegatedAuthority[] fromSam = [new("sam", ["security-officers"], ["sam"])];
        var samApproved = Applied(state, Approve(taskId, "sam", "security-officers"), T2);

        var viaDelegate = Step(samApproved, new DecisionSubmitted(taskId, "d-dave", "dave", [], Verdict.Approve, null, true, null, fromSam), T2);
        Assert.Equal(StepOutcome.Ignored, viaDelegate.Outcome);

        var first = Step(state, new DecisionSubmitted(taskId, "d-dave", "dave", [], Verdict.Approve, null, true, null, fromSam), T2);
        Assert.Equal(StepOutcome.Applied, first.Outcome);
        Assert.Equal("sam", first.State.Tasks[0].Decisions[0].OnBehalfOf);
        var audit = AuditAt(first, 0, AuditKinds.Decision, "dave");
        Assert.Equal("sam", audit.Data["delegator"]);
        Assert.Equal("dave", audit.Data["delegate"]);
        AssertUnchanged(first.State, Step(first.State, Approve(taskId, "sam", "security-officers", decisionId: "d-sam2"), T2), StepOutcome.Ignored);
    }

    [Fact]
    public void Nobody_approves_for_the_requester_and_reassignment_narrows_to_one_person()
    {
        var state = Classified(AmberText);
        var taskId = state.Tasks[0].Id;
        DelegatedAuthority[] fromRequester = [new(Requester, ["team-leads"], [Requester])];
        AssertUnchanged(state, Step(state, new DecisionSubmitted(taskId, "d1", "dave", [], Verdict.Approve, null, true, null, fromRequester), T2), StepOutcome.Refused, RefusalReason.SelfApproval);

        var reassigned = Applied(state, new TaskReassigned(taskId, "ada", null, "pat", null), T2);
        AssertUnchanged(reassigned, Step(reassigned, Approve(taskId, "tina", "team-leads"), T2), StepOutcome.Refused, RefusalReason.NotInGroup);
        Assert.Equal(StepOutcome.Applied, Step(reassigned, new DecisionSubmitted(taskId, "d2", "pat", [], Verdict.Approve, null), T2).Outcome);
        AssertUnchanged(state, Step(state, new TaskReassigned(taskId, "ada", null, Requester, null), T2), StepOutcome.Refused, RefusalReason.SelfApproval);
    }

    [Fact]
    public void Delegations_resolve_through_chains_only_inside_their_windows()
    {
        DelegationGrant[] grants =
        [
            new(Guid.NewGuid(), "tina", "bea", ["team-leads"], W0, W0.AddHours(2)),
            new(Guid.NewGuid(), "bea", "cal", ["ops"], W0.AddHours(1), W0.AddHours(3)),
        ];

        Assert.Empty(DelegationGraph.Resolve("cal", grants, W0.AddMinutes(30)));
        var both = DelegationGraph.Resolve("cal", grants, W0.AddHours(1));
        Assert.Equal(["bea", "tina"], both.Select(a => a.Delegator));
        Assert.Equal(["tina", "bea"], both.Single(a => a.Delegator == "tina").Chain);
        Assert.Equal(["bea"], DelegationGraph.Resolve("cal", grants, W0.AddHours(2)).Select(a => a.Delegator)); // tina's ended (end is exclusive)
        Assert.Empty(DelegationGraph.Resolve("cal", grants, W0.AddHours(3)));
    }

    [Fact]
    public void A_delegation_closing_a_cycle_is_refused_unless_the_windows_do_not_overlap()
    {
        DelegationGrant[] grants =
        [
            new(Guid.NewGuid(), "a", "b", [], W0, W0.AddDays(1)),
            new(Guid.NewGuid(), "b", "c", [], W0, W0.AddDays(1)),
        ];

        Assert.Equal(["c", "a", "b", "c"], DelegationGraph.FindCycle(new(Guid.NewGuid(), "c", "a", [], W0, W0.AddHours(1)), grants));
        Assert.NotNull(DelegationGraph.FindCycle(new(Guid.NewGuid(), "a", "a", [], W0, W0.AddHours(1)), grants));
        Assert.Null(DelegationGraph.FindCycle(new(Guid.NewGuid(), "c", "a", [], W0.AddDays(1), W0.AddDays(2)), grants));
        Assert.Null(DelegationGraph.FindCycle(new(Guid.NewGuid(), "a", "c", [], W0, W0.AddHours(1)), grants));
    }
}
