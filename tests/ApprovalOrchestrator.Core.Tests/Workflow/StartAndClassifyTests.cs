using ApprovalOrchestrator.Core.Workflow;
using static ApprovalOrchestrator.Core.Tests.Workflow.WorkflowKit;

namespace ApprovalOrchestrator.Core.Tests.Workflow;

public class StartAndClassifyTests
{
    [Fact]
    public void Start_creates_a_received_instance_at_version_0_with_a_received_audit()
    {
        var request = Request(AmberText);
        var result = WorkflowStateMachine.Start(TheInstanceId, request, Ref, T0);

        Assert.Equal(StepOutcome.Applied, result.Outcome);
        var s = result.State;
        Assert.Equal(TheInstanceId, s.Id);
        Assert.Same(request, s.Request);
        Assert.Equal(Ref, s.Definition);
        Assert.Equal(InstanceStatus.Received, s.Status);
        Assert.Null(s.Classification);
        Assert.Empty(s.Tasks);
        Assert.Null(s.Execution);
        Assert.Equal(0, s.Version);
        Assert.Equal(T0, s.CreatedAt);
        Assert.Equal(T0, s.UpdatedAt);

        AssertEffectTypes(result, typeof(AppendAudit));
        var audit = AuditAt(result, 0, AuditKinds.Received, Requester);
        Assert.Equal("req-1", audit.Data["requestId"]);
        Assert.Equal("main", audit.Data["agentId"]);
        Assert.Equal(AmberText, audit.Data["text"]);
        Assert.Null(audit.Data["tool"]);
        Assert.Null(audit.Data["toolAction"]);
    }

    [Fact]
    public void Start_records_the_tool_in_the_received_audit()
    {
        var result = WorkflowStateMachine.Start(TheInstanceId, Request(GreenText, ShellTool()), Ref, T0);
        var audit = AuditAt(result, 0, AuditKinds.Received, Requester);
        Assert.Equal("shell", audit.Data["tool"]);
        Assert.Equal("run", audit.Data["toolAction"]);
    }

    [Fact]
    public void Green_goes_straight_to_executing_and_requests_execution()
    {
        var started = Started(GreenText);
        var classification = Classify(GreenText);
        var result = Step(started, new Classified(classification), T1);

        Assert.Equal(StepOutcome.Applied, result.Outcome);
        Assert.Equal(InstanceStatus.Executing, result.State.Status);
        Assert.Same(classification, result.State.Classification);
        Assert.Empty(result.State.Tasks);
        Assert.Null(result.State.Execution);
        Assert.Equal(1, result.State.Version);
        Assert.Equal(T1, result.State.UpdatedAt);
        Assert.Equal(T0, result.State.CreatedAt);

        AssertEffectTypes(result, typeof(AppendAudit), typeof(RequestExecution));
        var audit = AuditAt(result, 0, AuditKinds.Classified, SystemActors.Policy);
        Assert.Equal("green", audit.Data["risk"]);
        Assert.Equal("green", audit.Data["route"]);
        Assert.Equal("low_impact", audit.Data["category"]);
        Assert.Equal(0.88, audit.Data["confidence"]);
    }

    [Fact]
    public void Amber_opens_a_tier_0_team_leads_task_for_4_hours_with_a_timer_and_a_notification()
    {
        var result = Step(Started(AmberText), new Classified(Classify(AmberText)), T1);

        Assert.Equal(StepOutcome.Applied, result.Outcome);
        Assert.Equal(InstanceStatus.AwaitingApproval, result.State.Status);
        Assert.Equal(1, result.State.Version);
        var task = Assert.Single(result.State.Tasks);
        Assert.Equal(FirstTaskId, task.Id);
        Assert.Equal(0, task.Tier);
        Assert.Equal("team-leads", task.Group);
        Assert.Equal(1, task.RequiredApprovals);
        Assert.Equal(ApprovalTaskStatus.Open, task.Status);
        Assert.Equal(T1, task.OpenedAt);
        Assert.Equal(T1 + TimeSpan.FromHours(4), task.DueAt);
        Assert.False(string.IsNullOrWhiteSpace(task.TimerToken));
        Assert.Empty(task.Decisions);

        AssertEffectTypes(result, typeof(AppendAudit), typeof(AppendAudit), typeof(ArmTimer), typeof(NotifyApprovalRequested));
        var classified = AuditAt(result, 0, AuditKinds.Classified, SystemActors.Policy);
        Assert.Equal("amber", classified.Data["risk"]);
        Assert.Equal("amber", classified.Data["route"]);
        Assert.Equal(new[] { "amber-moderate-impact" }, classified.Data["matchedRules"]);
        Assert.Equal(new[] { "email", "budget" }, classified.Data["matchedTerms"]);

        var opened = AuditAt(result, 1, AuditKinds.TaskOpened, SystemActors.Policy);
        Assert.Equal(task.Id, opened.Data["taskId"]);
        Assert.Equal("team-leads", opened.Data["group"]);
        Assert.Equal(0, opened.Data["tier"]);
        Assert.Equal(1, opened.Data["required"]);
        Assert.Equal(task.DueAt, opened.Data["dueAt"]);
        Assert.Equal(task.TimerToken, opened.Data["timerToken"]);

        Assert.Equal(new ArmTimer(task.Id, task.TimerToken, T1 + TimeSpan.FromHours(4)), result.Effects[2]);
        Assert.Equal(new NotifyApprovalRequested(task.Id), result.Effects[3]);
    }

    [Fact]
    public void Red_opens_a_security_officers_task_needing_2_approvals_for_24_hours()
    {
        var result = Step(Started(RedText), new Classified(Classify(RedText)), T1);

        Assert.Equal(InstanceStatus.AwaitingApproval, result.State.Status);
        var task = Assert.Single(result.State.Tasks);
        Assert.Equal(0, task.Tier);
        Assert.Equal("security-officers", task.Group);
        Assert.Equal(2, task.RequiredApprovals);
        Assert.Equal(T1 + TimeSpan.FromHours(24), task.DueAt);

        AssertEffectTypes(result, typeof(AppendAudit), typeof(AppendAudit), typeof(ArmTimer), typeof(NotifyApprovalRequested));
        Assert.Equal("red", AuditAt(result, 0, AuditKinds.Classified, SystemActors.Policy).Data["risk"]);
        Assert.Equal(2, AuditAt(result, 1, AuditKinds.TaskOpened, SystemActors.Policy).Data["required"]);
        Assert.Equal(new ArmTimer(task.Id, task.TimerToken, T1 + TimeSpan.FromHours(24)), result.Effects[2]);
        Assert.Equal(new NotifyApprovalRequested(task.Id), result.Effects[3]);
    }

    [Fact]
    public void A_blocked_route_ends_the_request_at_once_with_a_completed_audit_and_notification()
    {
        var classification = Classify(BlockedText);
        Assert.Equal("blocked", classification.Route);

        var result = Step(Started(BlockedText), new Classified(classification), T1);

        Assert.Equal(StepOutcome.Applied, result.Outcome);
        Assert.Equal(InstanceStatus.Blocked, result.State.Status);
        Assert.Empty(result.State.Tasks);
        Assert.Equal(1, result.State.Version);

        AssertEffectTypes(result, typeof(AppendAudit), typeof(AppendAudit), typeof(NotifyCompleted));
        var classified = AuditAt(result, 0, AuditKinds.Classified, SystemActors.Policy);
        Assert.Equal("red", classified.Data["risk"]);
        Assert.Equal("blocked", classified.Data["route"]);
        var completed = AuditAt(result, 1, AuditKinds.Completed, SystemActors.Policy);
        Assert.Equal("blocked", completed.Data["status"]);
        Assert.Equal(classification.Reason, completed.Data["reason"]);
    }

    [Theory]
    [InlineData(GreenText)]
    [InlineData(AmberText)]
    [InlineData(BlockedText)]
    public void A_second_classification_is_ignored(string text)
    {
        var classified = Classified(text);
        var result = Step(classified, new Classified(Classify(RedText)), T2);
        AssertUnchanged(classified, result, StepOutcome.Ignored);
        Assert.Equal(1, result.State.Version);
    }
}
