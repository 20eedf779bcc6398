using System.Text.Json;
using ApprovalOrchestrator.Core.Budgets;
using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Tests.TestSupport;
using ApprovalOrchestrator.Core.Workflow;
using static ApprovalOrchestrator.Core.Tests.Guardrails.GuardrailKit;
using Kit = ApprovalOrchestrator.Core.Tests.Workflow.WorkflowKit;

namespace ApprovalOrchestrator.Core.Tests.Budgets;

/// <summary>What an over-budget verdict does to the classification and the workflow, and what each step consumes.</summary>
public sealed class BudgetWorkflowTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 16, 31, 20, TimeSpan.Zero);

    private static WorkflowDefinition WithBudget(string action) =>
        Definition($"budgets: {{ default: {{ requestsPerMinute: 1, toolCallsPerDay: 1, onExceeded: {action} }} }}");

    private static BudgetOutcome Over(WorkflowDefinition definition) =>
        BudgetEvaluator.Evaluate(definition.Budgets!, "main", false, [new(BudgetNames.Requests, BudgetWindows.MinuteStart(Now), 2)], Now)!;

    private static ClassificationResult ClassifyWith(WorkflowDefinition definition, string text, BudgetOutcome? budget) =>
        new Classifier(definition).Classify(RuleKit.Input(text), RuleKit.Ref, budget);

    [Fact]
    public void Require_approval_moves_a_green_request_to_the_approval_route_and_says_why()
    {
        var definition = WithBudget("require-approval");

        var c = ClassifyWith(definition, "Summarize the notes.", Over(definition));

        Assert.Equal("amber", c.Route);
        Assert.Equal(RiskLevel.Green, c.Risk); // the budget says who decides, not how risky the action is
        Assert.Equal("green", c.Budget!.ClassifiedRoute);
        Assert.Contains("Budget requires approval: agent main over requestsPerMinute: 2 of 1 used in the minute starting 2026-12-02T16:31Z.", c.Reason);
    }

    [Fact]
    public void Require_approval_on_a_request_already_going_to_people_only_adds_the_reason()
    {
        var definition = WithBudget("require-approval");

        var c = ClassifyWith(definition, "transfer the money", Over(definition));

        Assert.Equal("red", c.Route);
        Assert.Null(c.Budget!.ClassifiedRoute);
        Assert.Contains("over requestsPerMinute", c.Reason);
    }

    [Fact]
    public void Within_budget_changes_nothing_but_is_recorded()
    {
        var definition = WithBudget("reject");
        var within = BudgetEvaluator.Evaluate(definition.Budgets!, "main", false, [new(BudgetNames.Requests, BudgetWindows.MinuteStart(Now), 1)], Now);

        var c = ClassifyWith(definition, "Summarize the notes.", within);

        Assert.Equal("green", c.Route);
        Assert.Equal("Nothing sensitive.", c.Reason);
        Assert.Equal(BudgetOutcome.Within, c.Budget!.Decision);
    }

    [Fact]
    public void Reject_ends_the_request_rejected_at_classification_with_the_reason_in_the_audit()
    {
        var definition = WithBudget("reject");
        var started = WorkflowStateMachine.Start(Kit.TheInstanceId, Kit.Request("Summarize the notes."), RuleKit.Ref, Now).State;

        var result = WorkflowStateMachine.Apply(started, definition, new Classified(ClassifyWith(definition, "Summarize the notes.", Over(definition))), Now);

        Assert.Equal(InstanceStatus.Rejected, result.State.Status);
        Assert.DoesNotContain(result.Effects, e => e is RequestExecution or ArmTimer);
        Assert.Contains(result.Effects, e => e is NotifyCompleted);
        var classified = result.Effects.OfType<AppendAudit>().First(a => a.Kind == AuditKinds.Classified);
        var budget = JsonSerializer.SerializeToElement(classified.Data["budget"]);
        Assert.Equal("reject", budget.GetProperty("decision").GetString());
        Assert.Equal("requestsPerMinute", budget.GetProperty("uses")[0].GetProperty("name").GetString());
        var completed = result.Effects.OfType<AppendAudit>().Single(a => a.Kind == AuditKinds.Completed);
        Assert.Equal("rejected", completed.Data["status"]);
        Assert.Contains("Rejected by the agent's budget: agent main over requestsPerMinute", (string)completed.Data["reason"]!);
    }

    [Fact]
    public void A_guardrail_block_still_blocks_when_the_budget_rejects()
    {
        var definition = Definition("""
            guardrails: { detectors: { private-key: block } }
            budgets: { default: { requestsPerMinute: 1, onExceeded: reject } }
            """);
        var text = $"Check {PrivateKey}";
        var started = WorkflowStateMachine.Start(Kit.TheInstanceId, Kit.Request(text), RuleKit.Ref, Now).State;

        var result = WorkflowStateMachine.Apply(started, definition, new Classified(ClassifyWith(definition, text, Over(definition))), Now);

        Assert.Equal(InstanceStatus.Blocked, result.State.Status);
    }

    [Fact]
    public void A_tool_calls_start_consumes_one_tool_call_and_its_finish_the_usage_tokens()
    {
        var definition = WithBudget("reject");
        var tool = new ToolSpec("sessions_list", null, null);
        var started = WorkflowStateMachine.Start(Kit.TheInstanceId, Kit.Request("List sessions.", tool), RuleKit.Ref, Now).State;
        var executing = WorkflowStateMachine.Apply(started, definition, new Classified(ClassifyWith(definition, "List sessions.", null)), Now).State;
        Assert.Equal(InstanceStatus.Executing, executing.Status);

        var start = WorkflowStateMachine.Apply(executing, definition, new ExecutionStarting("run-A"), Now);
        var usage = new AgentRuntime("main", "tool:sessions_list", null, null, new TokenUsage(40, 2, null), 5, 1);
        var finish = WorkflowStateMachine.Apply(start.State, definition, new ExecutionFinished(1, Kit.Result(ExecutionResultKind.Succeeded) with { Runtime = usage }), Now);
        var again = WorkflowStateMachine.Apply(start.State, definition, new ExecutionStarting("run-A"), Now);

        Assert.Equal(new ConsumeBudget("main", BudgetNames.ToolCalls, 1), Assert.Single(start.Effects.OfType<ConsumeBudget>()));
        Assert.Equal(new ConsumeBudget("main", BudgetNames.Tokens, 42), Assert.Single(finish.Effects.OfType<ConsumeBudget>()));
        Assert.Empty(again.Effects.OfType<ConsumeBudget>()); // ignored: nothing consumed twice
    }

    [Fact]
    public void Nothing_is_consumed_under_a_definition_without_budgets()
    {
        var executing = Kit.Classified("Summarize the notes.", Kit.ShellTool());
        var approved = executing.Status == InstanceStatus.AwaitingApproval
            ? Kit.Applied(executing, Kit.Approve(Kit.FirstTaskId, "tina", "team-leads"), Kit.T2)
            : executing;

        var start = Kit.Step(approved, new ExecutionStarting("run-A"), Kit.T2);

        Assert.Empty(start.Effects.OfType<ConsumeBudget>());
    }
}
