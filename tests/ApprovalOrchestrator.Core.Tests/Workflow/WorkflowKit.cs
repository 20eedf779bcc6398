using System.Text.Json;
using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Tests.TestSupport;
using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Core.Tests.Workflow;

/// <summary>Fixed ids, clocks and texts, and short ways to drive <see cref="WorkflowStateMachine"/> to a given state.</summary>
internal static class WorkflowKit
{
    public const string Requester = "alice";
    public const string GreenText = "Summarize our AI governance policy for internal use.";
    public const string AmberText = "Draft an email to finance asking for confirmation of the Q1 cloud budget.";
    public const string RedText = "Transfer funds from treasury to vendor account immediately.";
    public const string BlockedText = "Wipe the staging server tonight.";

    public static readonly Guid TheInstanceId = Guid.Parse("6f1c2a4e-8b3d-4c5e-9a7f-0123456789ab");
    public static readonly DefinitionRef Ref = new("agent-action-approval", 1, "sha256:x");

    /// <summary>Start time; classification happens a minute later, people decide an hour after that.</summary>
    public static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset T1 = T0.AddMinutes(1);
    public static readonly DateTimeOffset T2 = T1.AddHours(1);

    /// <summary>The shipped reference definition (workflows/agent-action-approval.yaml).</summary>
    public static WorkflowDefinition Reference => ReferencePolicy.Definition;

    public static Guid FirstTaskId => DeterministicId.Create(TheInstanceId, "task/0");

    public static AgentRequest Request(string text, ToolSpec? tool = null) => new("req-1", Requester, "main", text, tool);

    public static ToolSpec ShellTool() => new("shell", "run", JsonDocument.Parse("""{"command":"ls"}""").RootElement);

    public static ClassificationResult Classify(string text, WorkflowDefinition? definition = null) =>
        Classifier.Classify(new PolicyInput(text, Requester, "main"), definition ?? Reference, Ref);

    public static WorkflowInstance Started(string text, ToolSpec? tool = null) =>
        WorkflowStateMachine.Start(TheInstanceId, Request(text, tool), Ref, T0).State;

    public static StepResult Step(WorkflowInstance state, WorkflowEvent @event, DateTimeOffset now, WorkflowDefinition? definition = null) =>
        WorkflowStateMachine.Apply(state, definition ?? Reference, @event, now);

    /// <summary>A step that must apply; returns the new state.</summary>
    public static WorkflowInstance Applied(WorkflowInstance state, WorkflowEvent @event, DateTimeOffset now, WorkflowDefinition? definition = null)
    {
        var result = Step(state, @event, now, definition);
        Assert.True(result.Outcome == StepOutcome.Applied, $"Expected Applied, got {result.Outcome} ({result.Refusal}): {result.Message}");
        return result.State;
    }

    /// <summary>Started and classified at <see cref="T1"/>.</summary>
    public static WorkflowInstance Classified(string text, ToolSpec? tool = null, WorkflowDefinition? definition = null) =>
        Applied(Started(text, tool), new Classified(Classify(text, definition)), T1, definition);

    public static DecisionSubmitted Approve(Guid taskId, string actor, string group, string? decisionId = null, string? comment = null) =>
        new(taskId, decisionId ?? $"d-{actor}-approve", actor, [group], Verdict.Approve, comment);

    public static DecisionSubmitted Reject(Guid taskId, string actor, string group, string? decisionId = null, string? comment = null) =>
        new(taskId, decisionId ?? $"d-{actor}-reject", actor, [group], Verdict.Reject, comment);

    public static ExecutionResult Result(ExecutionResultKind kind, string? error = null) =>
        new(kind, error, JsonDocument.Parse("""{"answer":"ok"}""").RootElement);

    /// <summary>Asserts the exact effect types, in order.</summary>
    public static void AssertEffectTypes(StepResult result, params Type[] expected) =>
        Assert.Equal(expected, result.Effects.Select(e => e.GetType()).ToArray());

    public static AppendAudit AuditAt(StepResult result, int index, string kind, string actor)
    {
        var audit = Assert.IsType<AppendAudit>(result.Effects[index]);
        Assert.Equal(kind, audit.Kind);
        Assert.Equal(actor, audit.Actor);
        return audit;
    }

    /// <summary>Nothing changed: the very same state, no effects, and the given outcome.</summary>
    public static void AssertUnchanged(WorkflowInstance before, StepResult result, StepOutcome outcome, RefusalReason refusal = RefusalReason.None)
    {
        Assert.Equal(outcome, result.Outcome);
        Assert.Equal(refusal, result.Refusal);
        Assert.Same(before, result.State);
        Assert.Empty(result.Effects);
        Assert.False(string.IsNullOrWhiteSpace(result.Message));
    }

    /// <summary>
    /// Structural rendering of a step result (records holding lists and dictionaries compare by reference otherwise),
    /// with each effect rendered as its runtime type.
    /// </summary>
    public static string Render(StepResult result) =>
        JsonSerializer.Serialize(new
        {
            result.State,
            Effects = result.Effects.Select(e => new { Type = e.GetType().Name, Value = (object)e }).ToArray(),
            result.Outcome,
            result.Refusal,
            result.Message,
        });
}
