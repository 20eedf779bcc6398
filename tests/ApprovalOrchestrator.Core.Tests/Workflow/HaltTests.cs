using ApprovalOrchestrator.Core.Controls;
using ApprovalOrchestrator.Core.Workflow;
using static ApprovalOrchestrator.Core.Tests.Workflow.WorkflowKit;

namespace ApprovalOrchestrator.Core.Tests.Workflow;

/// <summary>The kill switch's transitions: executing → halted at the start (no Gateway call), halted → executing on release.</summary>
public class HaltTests
{
    private const string TeamLeads = "team-leads";
    private static readonly DateTimeOffset T3 = T2.AddMinutes(10);
    private static readonly Halt All = new("halt-1", HaltScope.All, null, "incident 42", "ada", T1);
    private static readonly Halt Other = new("halt-2", HaltScope.Agent, "main", "agent misbehaves", "ada", T1.AddSeconds(1));

    [Fact]
    public void A_start_under_a_halt_goes_halted_with_an_audit_naming_the_halt_and_no_gateway_call()
    {
        var executing = Classified(GreenText);
        var result = Step(executing, new ExecutionStarting("run-A", null, All), T2);

        Assert.Equal(StepOutcome.Applied, result.Outcome);
        Assert.Equal(InstanceStatus.Halted, result.State.Status);
        Assert.Null(result.State.Execution);
        AssertEffectTypes(result, typeof(AppendAudit));
        var audit = AuditAt(result, 0, AuditKinds.ExecutionHalted, SystemActors.Executor);
        Assert.Equal("halt-1", audit.Data["haltId"]);
        Assert.Equal("all", audit.Data["scope"]);
        Assert.Equal("incident 42", audit.Data["reason"]);
        Assert.Equal("ada", audit.Data["haltedBy"]);
        Assert.Equal(false, audit.Data["afterInterruption"]);
    }

    [Fact]
    public void Halted_is_a_waiting_status_not_a_final_one_and_not_failed()
    {
        Assert.False(InstanceStatus.Halted.IsFinal());
        Assert.Equal("halted", InstanceStatus.Halted.ToWire());
        Assert.True(InstanceStatusExtensions.TryParseWire("halted", out var parsed));
        Assert.Equal(InstanceStatus.Halted, parsed);
    }

    [Fact]
    public void A_request_approved_while_halted_goes_to_execute_first_and_then_halted_at_the_start()
    {
        var waiting = Classified(AmberText);
        var approved = Applied(waiting, Approve(FirstTaskId, "bob", TeamLeads), T2);
        Assert.Equal(InstanceStatus.Executing, approved.Status);

        var held = Applied(approved, new ExecutionStarting("run-A", null, All), T2);
        Assert.Equal(InstanceStatus.Halted, held.Status);
        Assert.Equal(ApprovalTaskStatus.Approved, held.Tasks[0].Status);
    }

    [Fact]
    public void Nothing_else_moves_a_halted_request_decisions_timers_and_a_second_start_are_refused_or_ignored()
    {
        var halted = Applied(Classified(GreenText), new ExecutionStarting("run-A", null, All), T2);
        AssertUnchanged(halted, Step(halted, new ExecutionStarting("run-B"), T3), StepOutcome.Ignored);
        AssertUnchanged(halted, Step(halted, new ExecutionFinished(1, Result(ExecutionResultKind.Succeeded)), T3), StepOutcome.Ignored);
        AssertUnchanged(halted, Step(halted, new RequestWithdrawn("mallory", "not mine"), T3), StepOutcome.Refused, RefusalReason.NotRequester);
    }

    [Fact]
    public void A_request_halted_at_its_first_start_can_be_withdrawn_by_its_requester_it_has_sent_nothing()
    {
        var halted = Applied(Classified(GreenText), new ExecutionStarting("run-A", null, All), T2);
        var result = Step(halted, new RequestWithdrawn(Requester, "no longer needed"), T3);

        Assert.Equal(StepOutcome.Applied, result.Outcome);
        Assert.Equal(InstanceStatus.Withdrawn, result.State.Status);
        Assert.Empty(result.Effects.OfType<CallGateway>());
        Assert.Empty(result.Effects.OfType<RequestExecution>());
        AuditAt(result, 0, AuditKinds.Withdrawn, Requester);

        // A lift arriving afterwards finds nothing to release.
        AssertUnchanged(result.State, Step(result.State, new HaltLifted(All, "ada", "fixed"), T3), StepOutcome.Ignored);
    }

    [Fact]
    public void A_request_halted_before_a_retry_is_not_withdrawn_its_first_attempt_may_have_run()
    {
        var started = Applied(Classified(GreenText), new ExecutionStarting("run-A"), T2);
        var held = Applied(started, new ExecutionStarting("run-B", new ExpiredLease("run-A", T2.AddSeconds(30), T2), All), T3);
        Assert.Equal(InstanceStatus.Halted, held.Status);

        var result = Step(held, new RequestWithdrawn(Requester, "changed my mind"), T3);
        AssertUnchanged(held, result, StepOutcome.Refused, RefusalReason.Closed);
        Assert.Contains("may have run", result.Message);
    }

    [Fact]
    public void Lifting_the_halt_releases_the_request_to_execute_with_an_audit_by_the_resumer()
    {
        var halted = Applied(Classified(GreenText), new ExecutionStarting("run-A", null, All), T2);
        var result = Step(halted, new HaltLifted(All, "ada", "fixed"), T3);

        Assert.Equal(StepOutcome.Applied, result.Outcome);
        Assert.Equal(InstanceStatus.Executing, result.State.Status);
        AssertEffectTypes(result, typeof(AppendAudit), typeof(RequestExecution));
        var audit = AuditAt(result, 0, AuditKinds.ExecutionReleased, "ada");
        Assert.Equal("halt-1", audit.Data["haltId"]);
        Assert.Equal("fixed", audit.Data["resumeReason"]);

        // And the start after it calls the Gateway, attempt 1.
        var started = Step(result.State, new ExecutionStarting("run-A"), T3);
        Assert.Equal(new CallGateway(1, $"ao-{TheInstanceId:N}"), started.Effects.OfType<CallGateway>().Single());
    }

    [Fact]
    public void Lifting_one_halt_while_another_still_covers_it_keeps_it_halted_now_held_by_the_other()
    {
        var halted = Applied(Classified(GreenText), new ExecutionStarting("run-A", null, All), T2);
        var result = Step(halted, new HaltLifted(All, "ada", "fixed", Other), T3);

        Assert.Equal(StepOutcome.Applied, result.Outcome);
        Assert.Equal(InstanceStatus.Halted, result.State.Status);
        AssertEffectTypes(result, typeof(AppendAudit));
        var audit = AuditAt(result, 0, AuditKinds.ExecutionHalted, SystemActors.Executor);
        Assert.Equal("halt-2", audit.Data["haltId"]);
        Assert.Equal("halt-1", audit.Data["heldAfter"]);

        // A halt still in force that is the one holding it: nothing at all.
        AssertUnchanged(halted, Step(halted, new HaltLifted(All, SystemActors.Executor, "", All), T3), StepOutcome.Ignored);
    }

    [Fact]
    public void A_lift_reaching_a_request_that_is_not_halted_changes_nothing()
    {
        var executing = Classified(GreenText);
        AssertUnchanged(executing, Step(executing, new HaltLifted(All, "ada", "fixed"), T3), StepOutcome.Ignored);
        var waiting = Classified(AmberText);
        AssertUnchanged(waiting, Step(waiting, new HaltLifted(All, "ada", "fixed"), T3), StepOutcome.Ignored);
    }

    [Fact]
    public void An_interrupted_chat_call_is_not_retried_under_a_halt_and_the_takeover_after_release_records_the_interruption_once()
    {
        var started = Applied(Classified(GreenText), new ExecutionStarting("run-A"), T2);
        var lease = new ExpiredLease("run-A", T2.AddSeconds(30), T2);
        var held = Step(started, new ExecutionStarting("run-B", lease, All), T3);

        Assert.Equal(InstanceStatus.Halted, held.State.Status);
        AssertEffectTypes(held, typeof(AppendAudit));
        Assert.Equal(true, AuditAt(held, 0, AuditKinds.ExecutionHalted, SystemActors.Executor).Data["afterInterruption"]);

        var released = Applied(held.State, new HaltLifted(All, "ada", "fixed"), T3);
        var retried = Step(released, new ExecutionStarting("run-B", new ExpiredLease("run-A", null, null)), T3);
        Assert.Equal(2, retried.State.Execution!.Attempt);
        Assert.Single(retried.Effects.OfType<AppendAudit>(), a => a.Kind == AuditKinds.ExecutionInterrupted);
        Assert.Single(retried.Effects.OfType<CallGateway>());
    }

    [Fact]
    public void An_interrupted_tool_call_still_goes_to_review_under_a_halt_never_halted_nor_re_sent()
    {
        var started = Applied(Classified(GreenText, ShellTool()), new ExecutionStarting("run-A"), T2);
        var result = Step(started, new ExecutionStarting("run-B", new ExpiredLease("run-A", T2, T2), All), T3);
        Assert.Equal(InstanceStatus.NeedsReview, result.State.Status);
        Assert.Empty(result.Effects.OfType<CallGateway>());
    }
}
