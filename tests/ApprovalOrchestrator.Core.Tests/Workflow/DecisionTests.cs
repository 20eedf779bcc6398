using ApprovalOrchestrator.Core.Workflow;
using static ApprovalOrchestrator.Core.Tests.Workflow.WorkflowKit;

namespace ApprovalOrchestrator.Core.Tests.Workflow;

public class DecisionTests
{
    private const string TeamLeads = "team-leads";
    private const string Officers = "security-officers";

    [Fact]
    public void A_team_lead_approving_amber_moves_to_executing_and_cancels_the_timer()
    {
        var waiting = Classified(AmberText);
        var task = Assert.Single(waiting.Tasks);

        var result = Step(waiting, Approve(task.Id, "bob", TeamLeads, "d1", "fine by me"), T2);

        Assert.Equal(StepOutcome.Applied, result.Outcome);
        Assert.Equal(InstanceStatus.Executing, result.State.Status);
        Assert.Equal(waiting.Version + 1, result.State.Version);
        Assert.Equal(T2, result.State.UpdatedAt);
        var approved = Assert.Single(result.State.Tasks);
        Assert.Equal(ApprovalTaskStatus.Approved, approved.Status);
        var decision = Assert.Single(approved.Decisions);
        Assert.Equal(new ApprovalDecision("d1", "bob", Verdict.Approve, "fine by me", 0, TeamLeads, T2), decision);

        AssertEffectTypes(result, typeof(AppendAudit), typeof(CancelTimer), typeof(RequestExecution));
        var audit = AuditAt(result, 0, AuditKinds.Decision, "bob");
        Assert.Equal(task.Id, audit.Data["taskId"]);
        Assert.Equal("d1", audit.Data["decisionId"]);
        Assert.Equal("approve", audit.Data["verdict"]);
        Assert.Equal("fine by me", audit.Data["comment"]);
        Assert.Equal(false, audit.Data["authenticated"]);
        Assert.Equal(TeamLeads, audit.Data["group"]);
        Assert.Equal(0, audit.Data["tier"]);
        Assert.Equal(1, audit.Data["approvals"]);
        Assert.Equal(1, audit.Data["required"]);
        Assert.Equal(new CancelTimer(task.TimerToken), result.Effects[1]);
    }

    [Fact]
    public void The_audit_records_whether_the_decider_was_authenticated()
    {
        var waiting = Classified(AmberText);
        var result = Step(waiting, Approve(FirstTaskId, "bob", TeamLeads) with { Authenticated = true }, T2);
        Assert.Equal(true, AuditAt(result, 0, AuditKinds.Decision, "bob").Data["authenticated"]);
    }

    [Fact]
    public void Red_needs_two_distinct_approvers_and_the_same_person_counts_once()
    {
        var waiting = Classified(RedText);
        var task = Assert.Single(waiting.Tasks);

        // First approval: recorded, still waiting (1 of 2), nothing else happens.
        var first = Step(waiting, Approve(task.Id, "carol", Officers, "d1"), T2);
        Assert.Equal(StepOutcome.Applied, first.Outcome);
        Assert.Equal(InstanceStatus.AwaitingApproval, first.State.Status);
        Assert.Equal(waiting.Version + 1, first.State.Version);
        var open = Assert.Single(first.State.Tasks);
        Assert.Equal(ApprovalTaskStatus.Open, open.Status);
        Assert.Equal(["carol"], open.ApproversAtCurrentTier);
        AssertEffectTypes(first, typeof(AppendAudit));
        var firstAudit = AuditAt(first, 0, AuditKinds.Decision, "carol");
        Assert.Equal(1, firstAudit.Data["approvals"]);
        Assert.Equal(2, firstAudit.Data["required"]);

        // The same person again, under a new decision id: ignored.
        var again = Step(first.State, Approve(task.Id, "carol", Officers, "d2"), T2.AddMinutes(5));
        AssertUnchanged(first.State, again, StepOutcome.Ignored);
        Assert.Contains("counts once", again.Message);

        // A second, different officer: approved.
        var second = Step(first.State, Approve(task.Id, "dave", Officers, "d3"), T2.AddMinutes(10));
        Assert.Equal(StepOutcome.Applied, second.Outcome);
        Assert.Equal(InstanceStatus.Executing, second.State.Status);
        Assert.Equal(first.State.Version + 1, second.State.Version);
        var done = Assert.Single(second.State.Tasks);
        Assert.Equal(ApprovalTaskStatus.Approved, done.Status);
        Assert.Equal(["carol", "dave"], done.ApproversAtCurrentTier);
        AssertEffectTypes(second, typeof(AppendAudit), typeof(CancelTimer), typeof(RequestExecution));
        Assert.Equal(2, AuditAt(second, 0, AuditKinds.Decision, "dave").Data["approvals"]);
        Assert.Equal(new CancelTimer(task.TimerToken), second.Effects[1]);
    }

    [Fact]
    public void A_rejection_ends_the_request_keeps_the_comment_and_cancels_the_timer()
    {
        var waiting = Classified(AmberText);
        var task = Assert.Single(waiting.Tasks);

        var result = Step(waiting, Reject(task.Id, "bob", TeamLeads, "d1", "not this quarter"), T2);

        Assert.Equal(StepOutcome.Applied, result.Outcome);
        Assert.Equal(InstanceStatus.Rejected, result.State.Status);
        Assert.Equal(waiting.Version + 1, result.State.Version);
        var rejected = Assert.Single(result.State.Tasks);
        Assert.Equal(ApprovalTaskStatus.Rejected, rejected.Status);
        var decision = Assert.Single(rejected.Decisions);
        Assert.Equal(Verdict.Reject, decision.Verdict);
        Assert.Equal("not this quarter", decision.Comment);

        AssertEffectTypes(result, typeof(AppendAudit), typeof(CancelTimer), typeof(AppendAudit), typeof(NotifyCompleted));
        var audit = AuditAt(result, 0, AuditKinds.Decision, "bob");
        Assert.Equal("reject", audit.Data["verdict"]);
        Assert.Equal("not this quarter", audit.Data["comment"]);
        Assert.Equal(0, audit.Data["approvals"]);
        Assert.Equal(new CancelTimer(task.TimerToken), result.Effects[1]);
        var completed = AuditAt(result, 2, AuditKinds.Completed, "bob");
        Assert.Equal("rejected", completed.Data["status"]);
        Assert.Equal("not this quarter", completed.Data["reason"]);
    }

    [Fact]
    public void A_rejection_without_comment_gets_a_default_reason()
    {
        var result = Step(Classified(AmberText), Reject(FirstTaskId, "bob", TeamLeads), T2);
        Assert.Equal("Rejected.", AuditAt(result, 2, AuditKinds.Completed, "bob").Data["reason"]);
    }

    [Fact]
    public void One_rejection_is_enough_even_after_a_first_red_approval()
    {
        var oneApproval = Applied(Classified(RedText), Approve(FirstTaskId, "carol", Officers), T2);
        var result = Step(oneApproval, Reject(FirstTaskId, "dave", Officers), T2.AddMinutes(1));
        Assert.Equal(InstanceStatus.Rejected, result.State.Status);
        Assert.Equal(ApprovalTaskStatus.Rejected, result.State.Tasks[0].Status);
    }

    [Fact]
    public void A_duplicate_decision_id_is_ignored_after_the_task_closed()
    {
        var approved = Applied(Classified(AmberText), Approve(FirstTaskId, "bob", TeamLeads, "d1"), T2);
        Assert.Equal(InstanceStatus.Executing, approved.Status);

        // Same id redelivered (even with another verdict or actor): ignored, not refused as closed.
        AssertUnchanged(approved, Step(approved, Approve(FirstTaskId, "bob", TeamLeads, "d1"), T2.AddMinutes(1)), StepOutcome.Ignored);
        AssertUnchanged(approved, Step(approved, Reject(FirstTaskId, "erin", TeamLeads, "d1"), T2.AddMinutes(1)), StepOutcome.Ignored);
    }

    [Fact]
    public void A_duplicate_decision_id_is_ignored_while_the_task_is_still_open()
    {
        var oneApproval = Applied(Classified(RedText), Approve(FirstTaskId, "carol", Officers, "d1"), T2);
        var result = Step(oneApproval, Approve(FirstTaskId, "dave", Officers, "d1"), T2.AddMinutes(1));
        AssertUnchanged(oneApproval, result, StepOutcome.Ignored);
        Assert.Contains("d1", result.Message);
    }

    [Fact]
    public void A_new_decision_on_an_approved_task_is_refused_as_closed()
    {
        var approved = Applied(Classified(AmberText), Approve(FirstTaskId, "bob", TeamLeads, "d1"), T2);
        var result = Step(approved, Reject(FirstTaskId, "erin", TeamLeads, "d2"), T2.AddMinutes(1));
        AssertUnchanged(approved, result, StepOutcome.Refused, RefusalReason.Closed);
    }

    [Fact]
    public void A_new_decision_on_a_rejected_task_is_refused_as_closed()
    {
        var rejected = Applied(Classified(AmberText), Reject(FirstTaskId, "bob", TeamLeads, "d1"), T2);
        var result = Step(rejected, Approve(FirstTaskId, "erin", TeamLeads, "d2"), T2.AddMinutes(1));
        AssertUnchanged(rejected, result, StepOutcome.Refused, RefusalReason.Closed);
    }

    [Fact]
    public void Someone_outside_the_tasks_group_is_refused()
    {
        var waiting = Classified(AmberText);
        var result = Step(waiting, Approve(FirstTaskId, "mallory", "managers"), T2);
        AssertUnchanged(waiting, result, StepOutcome.Refused, RefusalReason.NotInGroup);
        Assert.Contains("team-leads", result.Message);

        var noGroups = Step(waiting, new DecisionSubmitted(FirstTaskId, "d9", "mallory", [], Verdict.Reject, null), T2);
        AssertUnchanged(waiting, noGroups, StepOutcome.Refused, RefusalReason.NotInGroup);
    }

    [Fact]
    public void Group_membership_is_case_sensitive()
    {
        var waiting = Classified(AmberText);
        var result = Step(waiting, Approve(FirstTaskId, "bob", "Team-Leads"), T2);
        AssertUnchanged(waiting, result, StepOutcome.Refused, RefusalReason.NotInGroup);
    }

    [Fact]
    public void The_requester_may_not_approve_their_own_request()
    {
        var waiting = Classified(AmberText);
        var result = Step(waiting, Approve(FirstTaskId, Requester, TeamLeads), T2);
        AssertUnchanged(waiting, result, StepOutcome.Refused, RefusalReason.SelfApproval);
    }

    /// <summary>
    /// Current rule: only self-approval is forbidden. A requester who is in the deciding group may withdraw
    /// (reject) their own request, since that can only make the outcome safer.
    /// </summary>
    [Fact]
    public void The_requester_may_reject_their_own_request()
    {
        var waiting = Classified(AmberText);
        var result = Step(waiting, Reject(FirstTaskId, Requester, TeamLeads, comment: "withdrawn"), T2);
        Assert.Equal(StepOutcome.Applied, result.Outcome);
        Assert.Equal(InstanceStatus.Rejected, result.State.Status);
        Assert.Equal(Requester, result.State.Tasks[0].Decisions[0].Actor);
    }

    [Fact]
    public void A_decision_for_an_unknown_task_is_refused_as_not_found()
    {
        var waiting = Classified(AmberText);
        var result = Step(waiting, Approve(Guid.Parse("00000000-0000-0000-0000-000000000042"), "bob", TeamLeads), T2);
        AssertUnchanged(waiting, result, StepOutcome.Refused, RefusalReason.NotFound);
    }

    [Fact]
    public void A_decision_on_a_request_without_tasks_is_refused_as_not_found()
    {
        var executing = Classified(GreenText);
        var result = Step(executing, Approve(FirstTaskId, "bob", TeamLeads), T2);
        AssertUnchanged(executing, result, StepOutcome.Refused, RefusalReason.NotFound);
    }

    [Fact]
    public void Applying_a_decision_does_not_mutate_the_previous_state()
    {
        var waiting = Classified(RedText);
        var before = Render(new StepResult(waiting, [], StepOutcome.Applied));

        Step(waiting, Approve(FirstTaskId, "carol", Officers), T2);

        Assert.Empty(waiting.Tasks[0].Decisions);
        Assert.Equal(before, Render(new StepResult(waiting, [], StepOutcome.Applied)));
    }
}
