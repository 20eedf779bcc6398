using ApprovalOrchestrator.Core.Workflow;
using static ApprovalOrchestrator.Core.Tests.Workflow.WorkflowKit;

namespace ApprovalOrchestrator.Core.Tests.Workflow;

public class ExecutionTests
{
    private static readonly DateTimeOffset T3 = T2.AddMinutes(10);

    private static string NoApprovalKey => $"ao-{TheInstanceId:N}";

    private static readonly DateTimeOffset LeaseExpiry = T2.AddSeconds(30);

    /// <summary>A start by <paramref name="run"/> with the shell's evidence that <paramref name="deadOwner"/>'s lease expired.</summary>
    private static ExecutionStarting TakingOver(string run, string deadOwner) =>
        new(run, new ExpiredLease(deadOwner, LeaseExpiry, LeaseExpiry.AddSeconds(-30)));

    [Fact]
    public void The_first_start_records_attempt_1_for_this_run_and_calls_the_gateway()
    {
        var executing = Classified(GreenText);
        var result = Step(executing, new ExecutionStarting("run-A"), T2);

        Assert.Equal(StepOutcome.Applied, result.Outcome);
        Assert.Equal(InstanceStatus.Executing, result.State.Status);
        Assert.Equal(executing.Version + 1, result.State.Version);
        Assert.Equal(new ExecutionState(1, "run-A", T2, NoApprovalKey, null, null), result.State.Execution);

        AssertEffectTypes(result, typeof(AppendAudit), typeof(CallGateway));
        var audit = AuditAt(result, 0, AuditKinds.ExecutionStarted, SystemActors.Executor);
        Assert.Equal(1, audit.Data["attempt"]);
        Assert.Equal("chat", audit.Data["kind"]);
        Assert.Null(audit.Data["tool"]);
        Assert.Equal(NoApprovalKey, audit.Data["idempotencyKey"]);
        Assert.Equal(false, audit.Data["afterInterruption"]);
        Assert.Equal(new CallGateway(1, NoApprovalKey), result.Effects[1]);
    }

    [Fact]
    public void The_same_run_starting_again_is_ignored()
    {
        var started = Applied(Classified(GreenText), new ExecutionStarting("run-A"), T2);
        AssertUnchanged(started, Step(started, new ExecutionStarting("run-A"), T3), StepOutcome.Ignored);
    }

    [Fact]
    public void Another_run_starting_without_an_expired_lease_is_ignored_because_the_call_may_be_in_flight()
    {
        var chat = Applied(Classified(GreenText), new ExecutionStarting("run-A"), T2);
        AssertUnchanged(chat, Step(chat, new ExecutionStarting("run-B"), T3.AddHours(5)), StepOutcome.Ignored);

        var tool = Applied(Classified(GreenText, ShellTool()), new ExecutionStarting("run-A"), T2);
        var result = Step(tool, new ExecutionStarting("run-B"), T3.AddHours(5));
        AssertUnchanged(tool, result, StepOutcome.Ignored);
        Assert.Contains("run-A", result.Message);
    }

    [Fact]
    public void A_takeover_audits_the_dead_owner_its_lease_expiry_and_the_new_owner()
    {
        var started = Applied(Classified(GreenText, ShellTool()), new ExecutionStarting("run-A"), T2);
        var result = Step(started, TakingOver("run-B", "run-A"), T3);

        var interrupted = AuditAt(result, 0, AuditKinds.ExecutionInterrupted, SystemActors.Executor);
        Assert.Equal("run-A", interrupted.Data["leaseOwner"]);
        Assert.Equal(LeaseExpiry, interrupted.Data["leaseExpiresAt"]);
        Assert.Equal(LeaseExpiry.AddSeconds(-30), interrupted.Data["lastHeartbeatAt"]);
        Assert.Equal("run-B", interrupted.Data["takenOverBy"]);
    }

    [Fact]
    public void A_start_from_a_release_without_leases_is_taken_over_with_no_lease_times()
    {
        var started = Applied(Classified(GreenText), new ExecutionStarting("run-A"), T2);
        var result = Step(started, new ExecutionStarting("run-B", new ExpiredLease("run-A", null, null)), T3);

        Assert.Equal(2, result.State.Execution!.Attempt);
        var interrupted = AuditAt(result, 0, AuditKinds.ExecutionInterrupted, SystemActors.Executor);
        Assert.Null(interrupted.Data["leaseExpiresAt"]);
        Assert.Null(interrupted.Data["lastHeartbeatAt"]);
    }

    [Fact]
    public void Starting_when_not_executing_is_ignored()
    {
        var waiting = Classified(AmberText);
        AssertUnchanged(waiting, Step(waiting, new ExecutionStarting("run-A"), T2), StepOutcome.Ignored);

        var received = Started(GreenText);
        AssertUnchanged(received, Step(received, new ExecutionStarting("run-A"), T2), StepOutcome.Ignored);
    }

    [Fact]
    public void An_interrupted_chat_call_is_retried_by_the_next_run_as_attempt_2()
    {
        var started = Applied(Classified(GreenText), new ExecutionStarting("run-A"), T2);
        var result = Step(started, TakingOver("run-B", "run-A"), T3);

        Assert.Equal(StepOutcome.Applied, result.Outcome);
        Assert.Equal(InstanceStatus.Executing, result.State.Status);
        Assert.Equal(started.Version + 1, result.State.Version);
        Assert.Equal(new ExecutionState(2, "run-B", T3, NoApprovalKey, null, null), result.State.Execution);

        AssertEffectTypes(result, typeof(AppendAudit), typeof(AppendAudit), typeof(CallGateway));
        var interrupted = AuditAt(result, 0, AuditKinds.ExecutionInterrupted, SystemActors.Executor);
        Assert.Equal(1, interrupted.Data["attempt"]);
        Assert.Equal("run-A", interrupted.Data["startedBy"]);
        Assert.Equal(T2, interrupted.Data["startedAt"]);
        var restarted = AuditAt(result, 1, AuditKinds.ExecutionStarted, SystemActors.Executor);
        Assert.Equal(2, restarted.Data["attempt"]);
        Assert.Equal(true, restarted.Data["afterInterruption"]);
        Assert.Equal(new CallGateway(2, NoApprovalKey), result.Effects[2]);
    }

    [Fact]
    public void An_interrupted_tool_call_is_never_resent_and_needs_review()
    {
        var first = Step(Classified(GreenText, ShellTool()), new ExecutionStarting("run-A"), T2);
        Assert.Equal("tool", AuditAt(first, 0, AuditKinds.ExecutionStarted, SystemActors.Executor).Data["kind"]);
        Assert.Equal(new CallGateway(1, NoApprovalKey), first.Effects[1]);
        var started = first.State;

        var result = Step(started, TakingOver("run-B", "run-A"), T3);

        Assert.Equal(StepOutcome.Applied, result.Outcome);
        Assert.Equal(InstanceStatus.NeedsReview, result.State.Status);
        Assert.Equal(started.Execution, result.State.Execution); // still attempt 1 by run-A
        AssertEffectTypes(result, typeof(AppendAudit), typeof(AppendAudit), typeof(NotifyCompleted));
        Assert.DoesNotContain(result.Effects, e => e is CallGateway);
        Assert.Equal("run-A", AuditAt(result, 0, AuditKinds.ExecutionInterrupted, SystemActors.Executor).Data["startedBy"]);
        var completed = AuditAt(result, 1, AuditKinds.Completed, SystemActors.Executor);
        Assert.Equal("needs-review", completed.Data["status"]);
        Assert.Contains("tool", Assert.IsType<string>(completed.Data["reason"]));
    }

    [Fact]
    public void A_chat_call_interrupted_at_the_last_attempt_needs_review()
    {
        var state = Applied(Classified(GreenText), new ExecutionStarting("run-A"), T2);
        state = Applied(state, TakingOver("run-B", "run-A"), T2.AddMinutes(1));
        state = Applied(state, TakingOver("run-C", "run-B"), T2.AddMinutes(2));
        Assert.Equal(WorkflowStateMachine.MaxChatAttempts, state.Execution!.Attempt);
        Assert.Equal(InstanceStatus.Executing, state.Status);

        var result = Step(state, TakingOver("run-D", "run-C"), T3);

        Assert.Equal(InstanceStatus.NeedsReview, result.State.Status);
        AssertEffectTypes(result, typeof(AppendAudit), typeof(AppendAudit), typeof(NotifyCompleted));
        Assert.Equal(3, AuditAt(result, 0, AuditKinds.ExecutionInterrupted, SystemActors.Executor).Data["attempt"]);
        var completed = AuditAt(result, 1, AuditKinds.Completed, SystemActors.Executor);
        Assert.Equal("needs-review", completed.Data["status"]);
        Assert.Contains("3 times", Assert.IsType<string>(completed.Data["reason"]));
    }

    [Theory]
    [InlineData(ExecutionResultKind.Succeeded, InstanceStatus.Executed, "executed", "succeeded", null)]
    [InlineData(ExecutionResultKind.DryRun, InstanceStatus.DryRun, "dry-run", "dryrun", null)]
    [InlineData(ExecutionResultKind.Failed, InstanceStatus.Failed, "failed", "failed", "gateway returned 502")]
    public void A_finished_attempt_sets_the_final_status_and_notifies(ExecutionResultKind kind, InstanceStatus status, string wire, string resultName, string? error)
    {
        var started = Applied(Classified(GreenText), new ExecutionStarting("run-A"), T2);
        var outcome = Result(kind, error);
        var result = Step(started, new ExecutionFinished(1, outcome), T3);

        Assert.Equal(StepOutcome.Applied, result.Outcome);
        Assert.Equal(status, result.State.Status);
        Assert.True(result.State.Status.IsFinal());
        Assert.Equal(started.Version + 1, result.State.Version);
        Assert.Equal(T3, result.State.UpdatedAt);
        var execution = result.State.Execution!;
        Assert.Equal((1, "run-A", T2, NoApprovalKey), (execution.Attempt, execution.StartedBy, execution.StartedAt, execution.IdempotencyKey));
        Assert.Equal(T3, execution.FinishedAt);
        Assert.Same(outcome, execution.Result);

        AssertEffectTypes(result, typeof(AppendAudit), typeof(AppendAudit), typeof(NotifyCompleted));
        var finished = AuditAt(result, 0, AuditKinds.ExecutionFinished, SystemActors.Executor);
        Assert.Equal(1, finished.Data["attempt"]);
        Assert.Equal(resultName, finished.Data["result"]);
        Assert.Equal(error, finished.Data["error"]);
        var completed = AuditAt(result, 1, AuditKinds.Completed, SystemActors.Executor);
        Assert.Equal(wire, completed.Data["status"]);
        Assert.Equal(error, completed.Data["reason"]);
    }

    [Fact]
    public void A_result_for_another_attempt_is_ignored()
    {
        var retried = Applied(Applied(Classified(GreenText), new ExecutionStarting("run-A"), T2), TakingOver("run-B", "run-A"), T3);
        Assert.Equal(2, retried.Execution!.Attempt);

        // The interrupted attempt 1 reports late: ignored; attempt 2 still counts.
        AssertUnchanged(retried, Step(retried, new ExecutionFinished(1, Result(ExecutionResultKind.Succeeded)), T3.AddSeconds(5)), StepOutcome.Ignored);
        AssertUnchanged(retried, Step(retried, new ExecutionFinished(3, Result(ExecutionResultKind.Succeeded)), T3.AddSeconds(5)), StepOutcome.Ignored);
        Assert.Equal(InstanceStatus.Executed, Applied(retried, new ExecutionFinished(2, Result(ExecutionResultKind.Succeeded)), T3.AddSeconds(6)).Status);
    }

    [Fact]
    public void A_result_when_not_executing_is_ignored()
    {
        var waiting = Classified(AmberText);
        AssertUnchanged(waiting, Step(waiting, new ExecutionFinished(1, Result(ExecutionResultKind.Succeeded)), T2), StepOutcome.Ignored);

        var notStarted = Classified(GreenText);
        AssertUnchanged(notStarted, Step(notStarted, new ExecutionFinished(1, Result(ExecutionResultKind.Succeeded)), T2), StepOutcome.Ignored);

        var done = Applied(Applied(Classified(GreenText), new ExecutionStarting("run-A"), T2), new ExecutionFinished(1, Result(ExecutionResultKind.Succeeded)), T3);
        AssertUnchanged(done, Step(done, new ExecutionFinished(1, Result(ExecutionResultKind.Failed, "late")), T3.AddSeconds(1)), StepOutcome.Ignored);
        AssertUnchanged(done, Step(done, TakingOver("run-B", "run-A"), T3.AddSeconds(1)), StepOutcome.Ignored);
    }

    [Fact]
    public void The_idempotency_key_is_the_instance_when_no_approval_was_needed()
    {
        var executing = Classified(GreenText);
        Assert.Equal(NoApprovalKey, WorkflowStateMachine.IdempotencyKey(executing));
        Assert.Equal($"ao-{TheInstanceId.ToString("N")}", WorkflowStateMachine.IdempotencyKey(executing));
    }

    [Fact]
    public void The_idempotency_key_is_bound_to_the_approval_that_allowed_the_call()
    {
        var waiting = Classified(AmberText, ShellTool());
        var taskId = waiting.Tasks[0].Id;
        Assert.Equal(NoApprovalKey, WorkflowStateMachine.IdempotencyKey(waiting)); // open task: not yet bound

        var approved = Applied(waiting, Approve(taskId, "bob", "team-leads"), T2);
        var expected = $"ao-{TheInstanceId:N}-{taskId:N}";
        Assert.Equal(expected, WorkflowStateMachine.IdempotencyKey(approved));

        var result = Step(approved, new ExecutionStarting("run-A"), T3);
        Assert.Equal(expected, result.State.Execution!.IdempotencyKey);
        Assert.Equal(new CallGateway(1, expected), result.Effects[1]);
        var audit = AuditAt(result, 0, AuditKinds.ExecutionStarted, SystemActors.Executor);
        Assert.Equal("tool", audit.Data["kind"]);
        Assert.Equal("shell", audit.Data["tool"]);
        Assert.Equal(expected, audit.Data["idempotencyKey"]);
    }

    [Fact]
    public void A_retried_chat_attempt_keeps_the_approval_bound_key()
    {
        var approved = Applied(Classified(AmberText), Approve(FirstTaskId, "bob", "team-leads"), T2);
        var retried = Step(Applied(approved, new ExecutionStarting("run-A"), T3), TakingOver("run-B", "run-A"), T3.AddMinutes(1));
        Assert.Equal(new CallGateway(2, $"ao-{TheInstanceId:N}-{FirstTaskId:N}"), retried.Effects[2]);
    }
}
