using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Workflow;
using static ApprovalOrchestrator.Core.Tests.Workflow.WorkflowKit;

namespace ApprovalOrchestrator.Core.Tests.Workflow;

public class TimerTests
{
    /// <summary>Everything is amber; both tiers need two distinct people.</summary>
    private const string TwoByTwoYaml = """
        id: two-by-two
        name: Two tiers of two
        classification:
          default: { risk: amber, category: moderate_impact, confidence: 0.5, reason: "Everything needs approval." }
        routes:
          green: { action: execute }
          amber:
            action: approve
            tiers:
              - { group: team-leads, requiredApprovals: 2, timeout: PT1H }
              - { group: managers, requiredApprovals: 2, timeout: PT2H }
          red:
            action: approve
            tiers:
              - { group: security-officers, requiredApprovals: 2, timeout: PT24H }
        execution: { agentId: main, timeout: PT90S }
        """;

    private static readonly Lazy<WorkflowDefinition> TwoByTwo = new(() =>
    {
        var parsed = DefinitionParser.Parse(TwoByTwoYaml);
        Assert.True(parsed.IsValid, string.Join(Environment.NewLine, parsed.Errors));
        return parsed.Definition!;
    });

    private static (WorkflowInstance Escalated, StepResult Step, ApprovalTask Before) EscalateAmber()
    {
        var waiting = Classified(AmberText);
        var task = waiting.Tasks[0];
        var step = Step(waiting, new TimerElapsed(task.Id, task.TimerToken), task.DueAt);
        Assert.Equal(StepOutcome.Applied, step.Outcome);
        return (step.State, step, task);
    }

    [Fact]
    public void The_amber_tier_0_timer_escalates_the_same_task_to_managers_for_8_hours()
    {
        var (escalated, step, before) = EscalateAmber();
        var now = before.DueAt;

        Assert.Equal(InstanceStatus.AwaitingApproval, escalated.Status);
        Assert.Equal(2, escalated.Version); // start 0, classified 1, escalated 2
        Assert.Equal(now, escalated.UpdatedAt);
        var task = Assert.Single(escalated.Tasks);
        Assert.Equal(before.Id, task.Id);
        Assert.Equal(1, task.Tier);
        Assert.Equal("managers", task.Group);
        Assert.Equal(1, task.RequiredApprovals);
        Assert.Equal(ApprovalTaskStatus.Open, task.Status);
        Assert.Equal(before.OpenedAt, task.OpenedAt);
        Assert.Equal(now + TimeSpan.FromHours(8), task.DueAt);
        Assert.NotEqual(before.TimerToken, task.TimerToken);
        Assert.False(string.IsNullOrWhiteSpace(task.TimerToken));

        AssertEffectTypes(step, typeof(AppendAudit), typeof(ArmTimer), typeof(NotifyApprovalRequested));
        var audit = AuditAt(step, 0, AuditKinds.Escalated, SystemActors.Timer);
        Assert.Equal(task.Id, audit.Data["taskId"]);
        Assert.Equal("team-leads", audit.Data["fromGroup"]);
        Assert.Equal("managers", audit.Data["group"]);
        Assert.Equal(1, audit.Data["tier"]);
        Assert.Equal(1, audit.Data["required"]);
        Assert.Equal(task.DueAt, audit.Data["dueAt"]);
        Assert.Equal(task.TimerToken, audit.Data["timerToken"]);
        Assert.Equal(new ArmTimer(task.Id, task.TimerToken, now + TimeSpan.FromHours(8)), step.Effects[1]);
        Assert.Equal(new NotifyApprovalRequested(task.Id), step.Effects[2]);
    }

    [Fact]
    public void After_escalation_a_team_lead_is_no_longer_in_the_group()
    {
        var (escalated, _, before) = EscalateAmber();
        var result = Step(escalated, Approve(before.Id, "bob", "team-leads"), before.DueAt.AddMinutes(5));
        AssertUnchanged(escalated, result, StepOutcome.Refused, RefusalReason.NotInGroup);
        Assert.Contains("managers", result.Message);
    }

    [Fact]
    public void After_escalation_a_manager_approves_and_the_tier_1_timer_is_cancelled()
    {
        var (escalated, _, before) = EscalateAmber();
        var task = escalated.Tasks[0];
        var result = Step(escalated, Approve(task.Id, "mona", "managers"), before.DueAt.AddMinutes(5));

        Assert.Equal(StepOutcome.Applied, result.Outcome);
        Assert.Equal(InstanceStatus.Executing, result.State.Status);
        Assert.Equal(ApprovalTaskStatus.Approved, result.State.Tasks[0].Status);
        Assert.Equal(1, result.State.Tasks[0].Decisions[0].Tier);
        Assert.Equal("managers", result.State.Tasks[0].Decisions[0].Group);
        AssertEffectTypes(result, typeof(AppendAudit), typeof(CancelTimer), typeof(RequestExecution));
        Assert.Equal(new CancelTimer(task.TimerToken), result.Effects[1]);
    }

    [Fact]
    public void The_tier_0_token_is_stale_after_escalation()
    {
        var (escalated, _, before) = EscalateAmber();
        var result = Step(escalated, new TimerElapsed(before.Id, before.TimerToken), before.DueAt.AddSeconds(30));
        AssertUnchanged(escalated, result, StepOutcome.Ignored);
    }

    [Fact]
    public void A_timer_with_a_token_the_task_never_had_is_ignored()
    {
        var waiting = Classified(AmberText);
        var result = Step(waiting, new TimerElapsed(FirstTaskId, "not-a-token"), waiting.Tasks[0].DueAt);
        AssertUnchanged(waiting, result, StepOutcome.Ignored);
    }

    [Fact]
    public void A_timer_for_an_unknown_task_is_ignored()
    {
        var waiting = Classified(AmberText);
        var result = Step(waiting, new TimerElapsed(Guid.Parse("00000000-0000-0000-0000-000000000042"), waiting.Tasks[0].TimerToken), waiting.Tasks[0].DueAt);
        AssertUnchanged(waiting, result, StepOutcome.Ignored);
    }

    [Fact]
    public void The_last_tiers_timer_expires_the_request()
    {
        var (escalated, _, _) = EscalateAmber();
        var task = escalated.Tasks[0];
        var result = Step(escalated, new TimerElapsed(task.Id, task.TimerToken), task.DueAt);

        Assert.Equal(StepOutcome.Applied, result.Outcome);
        Assert.Equal(InstanceStatus.Expired, result.State.Status);
        Assert.Equal(escalated.Version + 1, result.State.Version);
        Assert.Equal(ApprovalTaskStatus.Expired, result.State.Tasks[0].Status);

        AssertEffectTypes(result, typeof(AppendAudit), typeof(AppendAudit), typeof(NotifyCompleted));
        var expired = AuditAt(result, 0, AuditKinds.Expired, SystemActors.Timer);
        Assert.Equal(task.Id, expired.Data["taskId"]);
        Assert.Equal("managers", expired.Data["group"]);
        Assert.Equal(1, expired.Data["tier"]);
        var completed = AuditAt(result, 1, AuditKinds.Completed, SystemActors.Timer);
        Assert.Equal("expired", completed.Data["status"]);
        Assert.Contains("managers", Assert.IsType<string>(completed.Data["reason"]));
    }

    [Fact]
    public void A_timer_after_the_task_was_approved_is_ignored()
    {
        var waiting = Classified(AmberText);
        var task = waiting.Tasks[0];
        var approved = Applied(waiting, Approve(task.Id, "bob", "team-leads"), T2);
        var result = Step(approved, new TimerElapsed(task.Id, task.TimerToken), task.DueAt);
        AssertUnchanged(approved, result, StepOutcome.Ignored);
    }

    [Fact]
    public void A_timer_after_the_task_was_rejected_is_ignored()
    {
        var waiting = Classified(AmberText);
        var task = waiting.Tasks[0];
        var rejected = Applied(waiting, Reject(task.Id, "bob", "team-leads"), T2);
        var result = Step(rejected, new TimerElapsed(task.Id, task.TimerToken), task.DueAt);
        AssertUnchanged(rejected, result, StepOutcome.Ignored);
    }

    [Fact]
    public void The_red_timer_expires_at_once_because_red_has_a_single_tier()
    {
        var oneApproval = Applied(Classified(RedText), Approve(FirstTaskId, "carol", "security-officers"), T2);
        var task = oneApproval.Tasks[0];
        var result = Step(oneApproval, new TimerElapsed(task.Id, task.TimerToken), task.DueAt);

        Assert.Equal(InstanceStatus.Expired, result.State.Status);
        Assert.Equal(ApprovalTaskStatus.Expired, result.State.Tasks[0].Status);
        Assert.Equal(0, result.State.Tasks[0].Tier);
        AssertEffectTypes(result, typeof(AppendAudit), typeof(AppendAudit), typeof(NotifyCompleted));
        Assert.Equal("security-officers", AuditAt(result, 0, AuditKinds.Expired, SystemActors.Timer).Data["group"]);
        Assert.Equal("expired", AuditAt(result, 1, AuditKinds.Completed, SystemActors.Timer).Data["status"]);

        // A late second approval finds the request closed.
        var late = Step(result.State, Approve(task.Id, "dave", "security-officers"), task.DueAt.AddMinutes(1));
        AssertUnchanged(result.State, late, StepOutcome.Refused, RefusalReason.Closed);
    }

    [Fact]
    public void Approvals_count_only_at_the_tier_they_were_given_in()
    {
        var definition = TwoByTwo.Value;
        var waiting = Classified("Anything at all.", definition: definition);
        var task = Assert.Single(waiting.Tasks);
        Assert.Equal(("team-leads", 2), (task.Group, task.RequiredApprovals));

        // Mia leads a team and is also a manager; she approves at tier 0 (1 of 2).
        var mia = new DecisionSubmitted(task.Id, "d-mia-0", "mia", ["team-leads", "managers"], Verdict.Approve, null);
        var oneAtTier0 = Applied(waiting, mia, T2, definition);
        Assert.Equal(["mia"], oneAtTier0.Tasks[0].ApproversAtCurrentTier);

        var escalated = Applied(oneAtTier0, new TimerElapsed(task.Id, task.TimerToken), task.DueAt, definition);
        var tier1 = escalated.Tasks[0];
        Assert.Equal(("managers", 2, 1), (tier1.Group, tier1.RequiredApprovals, tier1.Tier));
        Assert.Empty(tier1.ApproversAtCurrentTier);
        Assert.Single(tier1.Decisions); // the tier-0 approval is kept in the history

        // Her approval again at tier 1 is a new approval (not "counts once"), and only the first of two.
        var miaAgain = Step(escalated, mia with { DecisionId = "d-mia-1" }, task.DueAt.AddMinutes(1), definition);
        Assert.Equal(StepOutcome.Applied, miaAgain.Outcome);
        Assert.Equal(InstanceStatus.AwaitingApproval, miaAgain.State.Status);
        AssertEffectTypes(miaAgain, typeof(AppendAudit));
        var audit = AuditAt(miaAgain, 0, AuditKinds.Decision, "mia");
        Assert.Equal(1, audit.Data["approvals"]);
        Assert.Equal(2, audit.Data["required"]);
        Assert.Equal(1, audit.Data["tier"]);

        // A second manager completes tier 1.
        var noah = Step(miaAgain.State, Approve(task.Id, "noah", "managers"), task.DueAt.AddMinutes(2), definition);
        Assert.Equal(InstanceStatus.Executing, noah.State.Status);
        Assert.Equal(["mia", "noah"], noah.State.Tasks[0].ApproversAtCurrentTier);
        AssertEffectTypes(noah, typeof(AppendAudit), typeof(CancelTimer), typeof(RequestExecution));
        Assert.Equal(new CancelTimer(tier1.TimerToken), noah.Effects[1]);
    }

    [Fact]
    public void A_tier_0_approval_does_not_add_to_a_different_persons_tier_1_approval()
    {
        // Counted across tiers, bob (tier 0) + mona (tier 1) would make the 2 required; per tier it is 1 of 2.
        var definition = TwoByTwo.Value;
        var waiting = Classified("Anything at all.", definition: definition);
        var task = waiting.Tasks[0];
        var oneAtTier0 = Applied(waiting, Approve(task.Id, "bob", "team-leads"), T2, definition);
        var escalated = Applied(oneAtTier0, new TimerElapsed(task.Id, task.TimerToken), task.DueAt, definition);

        var oneManager = Step(escalated, Approve(task.Id, "mona", "managers"), task.DueAt.AddMinutes(1), definition);
        Assert.Equal(InstanceStatus.AwaitingApproval, oneManager.State.Status);
        Assert.Equal(1, AuditAt(oneManager, 0, AuditKinds.Decision, "mona").Data["approvals"]);
    }
}
