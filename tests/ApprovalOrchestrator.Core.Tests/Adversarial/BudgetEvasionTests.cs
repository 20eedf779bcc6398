using ApprovalOrchestrator.Core.Budgets;
using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Tests.TestSupport;
using ApprovalOrchestrator.Core.Workflow;
using static ApprovalOrchestrator.Core.Tests.Guardrails.GuardrailKit;
using Kit = ApprovalOrchestrator.Core.Tests.Workflow.WorkflowKit;

namespace ApprovalOrchestrator.Core.Tests.Adversarial;

/// <summary>
/// Attacks on an agent's budget, pure: replays that would count twice or not at all, a Gateway reporting usage meant to
/// refund or overflow the counter, and an agent renaming itself to get other limits.
/// </summary>
public sealed class BudgetEvasionTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 16, 31, 20, TimeSpan.Zero);
    private static readonly ToolSpec Tool = new("sessions_list", null, null);

    private static readonly WorkflowDefinition Budgeted = Definition("""
        agents: [batch]
        tools: { sessions_list: {} }
        budgets:
          agents:
            batch: { toolCallsPerDay: 0, onExceeded: reject }
        """);

    private static WorkflowInstance Executing(ToolSpec? tool, string agent = "main")
    {
        var request = Kit.Request("List the sessions.", tool) with { AgentId = agent };
        var started = WorkflowStateMachine.Start(Kit.TheInstanceId, request, RuleKit.Ref, Now).State;
        var classified = new Classifier(Budgeted).Classify(RuleKit.Input("List the sessions.", agent, tool?.Name), RuleKit.Ref);
        var state = WorkflowStateMachine.Apply(started, Budgeted, new Classified(classified), Now).State;
        Assert.Equal(InstanceStatus.Executing, state.Status);
        return state;
    }

    private static ExecutionFinished Finished(int attempt, TokenUsage usage) =>
        new(attempt, Kit.Result(ExecutionResultKind.Succeeded) with { Runtime = new AgentRuntime("main", "openclaw:main", null, null, usage, 5, 1) });

    private static IEnumerable<ConsumeBudget> Consumed(StepResult step) => step.Effects.OfType<ConsumeBudget>();

    [Fact]
    public void A_gateway_reporting_an_absurd_usage_adds_at_most_the_per_call_cap_and_cannot_overflow_the_counter()
    {
        var started = WorkflowStateMachine.Apply(Executing(null), Budgeted, new ExecutionStarting("run-A"), Now).State;

        var finish = WorkflowStateMachine.Apply(started, Budgeted, Finished(1, new TokenUsage(null, null, long.MaxValue)), Now);

        Assert.Equal(BudgetUsage.MaxTokensPerCall, Assert.Single(Consumed(finish)).Amount);
    }

    [Fact]
    public void A_gateway_reporting_negative_usage_cannot_refund_the_budget()
    {
        var started = WorkflowStateMachine.Apply(Executing(null), Budgeted, new ExecutionStarting("run-A"), Now).State;

        var finish = WorkflowStateMachine.Apply(started, Budgeted, Finished(1, new TokenUsage(-5000, 10, null)), Now);

        Assert.Empty(Consumed(finish));
    }

    [Fact]
    public void A_gateway_omitting_total_tokens_is_still_charged_prompt_plus_completion()
    {
        var started = WorkflowStateMachine.Apply(Executing(null), Budgeted, new ExecutionStarting("run-A"), Now).State;

        var finish = WorkflowStateMachine.Apply(started, Budgeted, Finished(1, new TokenUsage(300, 20, null)), Now);

        Assert.Equal(320, Assert.Single(Consumed(finish)).Amount);
    }

    [Fact]
    public void A_replayed_finish_does_not_add_the_tokens_twice()
    {
        var started = WorkflowStateMachine.Apply(Executing(null), Budgeted, new ExecutionStarting("run-A"), Now).State;
        var finished = WorkflowStateMachine.Apply(started, Budgeted, Finished(1, new TokenUsage(1, 1, 2)), Now).State;

        var replay = WorkflowStateMachine.Apply(finished, Budgeted, Finished(1, new TokenUsage(1, 1, 2)), Now);

        Assert.Equal(StepOutcome.Ignored, replay.Outcome);
        Assert.Empty(Consumed(replay));
    }

    [Fact]
    public void A_takeover_of_an_interrupted_tool_call_sends_nothing_and_counts_no_second_tool_call()
    {
        var started = WorkflowStateMachine.Apply(Executing(Tool), Budgeted, new ExecutionStarting("run-A"), Now);
        Assert.Single(Consumed(started));

        var takeover = WorkflowStateMachine.Apply(started.State, Budgeted, new ExecutionStarting("run-B", new ExpiredLease("run-A", Now, Now)), Now.AddMinutes(5));

        Assert.Equal(InstanceStatus.NeedsReview, takeover.State.Status);
        Assert.Empty(Consumed(takeover));
    }

    [Fact]
    public void A_chat_call_retried_after_an_interruption_counts_no_tool_call_and_its_tokens_once()
    {
        var first = WorkflowStateMachine.Apply(Executing(null), Budgeted, new ExecutionStarting("run-A"), Now).State;
        var retry = WorkflowStateMachine.Apply(first, Budgeted, new ExecutionStarting("run-B", new ExpiredLease("run-A", Now, Now)), Now.AddMinutes(5));
        var finish = WorkflowStateMachine.Apply(retry.State, Budgeted, Finished(2, new TokenUsage(10, 5, 15)), Now.AddMinutes(6));

        Assert.Empty(Consumed(retry));
        Assert.Equal([new ConsumeBudget("main", BudgetNames.Tokens, 15)], Consumed(finish));
    }

    [Fact]
    public void An_agent_renaming_itself_to_escape_its_override_is_an_unknown_agent_and_goes_to_people()
    {
        var counters = new[] { new BudgetCounter(BudgetNames.ToolCalls, BudgetWindows.DayStart(Now), 0) };
        var own = BudgetEvaluator.Evaluate(Budgeted.Budgets!, "batch", true, counters, Now);
        var renamed = BudgetEvaluator.Evaluate(Budgeted.Budgets!, "BATCH", true, counters, Now);

        var classified = new Classifier(Budgeted).Classify(RuleKit.Input("List the sessions.", "BATCH", "sessions_list"), RuleKit.Ref, renamed);

        Assert.True(own!.IsRejected);
        Assert.Null(renamed); // no limits of its own: the override is batch's, ids are exact
        Assert.Equal(RouteAction.Approve, Budgeted.RouteFor(classified.Route).Action); // deny by default: never straight to execution
    }
}
