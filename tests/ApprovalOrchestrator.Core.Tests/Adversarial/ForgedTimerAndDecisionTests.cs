using ApprovalOrchestrator.Core.Workflow;
using static ApprovalOrchestrator.Core.Tests.Workflow.WorkflowKit;

namespace ApprovalOrchestrator.Core.Tests.Adversarial;

/// <summary>
/// The pure half of forged bus messages: a timer event before its due time changes nothing whatever token it carries,
/// and the audit of a decision says who vouched for it (a verified token, or a named bridge).
/// </summary>
public sealed class ForgedTimerAndDecisionTests
{
    [Fact]
    public void Timer_with_the_right_token_an_hour_early_is_ignored()
    {
        var waiting = Classified(AmberText);
        var task = waiting.Tasks[0];
        AssertUnchanged(waiting, Step(waiting, new TimerElapsed(task.Id, task.TimerToken), task.DueAt.AddHours(-1)), StepOutcome.Ignored);
    }

    [Fact]
    public void Timer_with_the_right_token_two_seconds_early_is_ignored()
    {
        var waiting = Classified(AmberText);
        var task = waiting.Tasks[0];
        var result = Step(waiting, new TimerElapsed(task.Id, task.TimerToken), task.DueAt.AddSeconds(-2));
        AssertUnchanged(waiting, result, StepOutcome.Ignored);
        Assert.StartsWith("Early timer", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Timer_within_the_clock_tolerance_of_its_due_time_still_escalates()
    {
        var waiting = Classified(AmberText);
        var task = waiting.Tasks[0];
        var result = Step(waiting, new TimerElapsed(task.Id, task.TimerToken), task.DueAt - WorkflowStateMachine.TimerTolerance / 2);
        Assert.Equal(StepOutcome.Applied, result.Outcome);
    }

    [Fact]
    public void Bridge_vouched_decision_is_audited_unauthenticated_with_the_bridge_name()
    {
        var waiting = Classified(AmberText);
        var task = waiting.Tasks[0];
        var vouched = Approve(task.Id, "bob", "team-leads") with { Authenticated = false, Bridge = "chatops" };
        var audit = AuditAt(Step(waiting, vouched, T2), 0, AuditKinds.Decision, "bob");
        Assert.Equal(false, audit.Data["authenticated"]);
        Assert.Equal("chatops", audit.Data["bridge"]);
    }

    [Fact]
    public void Token_verified_decision_is_audited_authenticated_and_names_no_bridge()
    {
        var waiting = Classified(AmberText);
        var task = waiting.Tasks[0];
        var audit = AuditAt(Step(waiting, Approve(task.Id, "bob", "team-leads") with { Authenticated = true }, T2), 0, AuditKinds.Decision, "bob");
        Assert.Equal(true, audit.Data["authenticated"]);
        Assert.False(audit.Data.ContainsKey("bridge"));
    }
}
