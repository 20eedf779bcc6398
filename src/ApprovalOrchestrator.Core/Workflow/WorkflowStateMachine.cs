using ApprovalOrchestrator.Core.Definitions;

namespace ApprovalOrchestrator.Core.Workflow;

/// <summary>
/// The approval workflow as a pure function: (state, definition, event, now) → (state, effects).
/// No I/O, no clock, no randomness: every id it makes is derived from the instance id, so a transition replays exactly.
/// </summary>
public static class WorkflowStateMachine
{
    /// <summary>Chat calls are read-only and may be re-sent after a crash, but not forever.</summary>
    public const int MaxChatAttempts = 3;

    /// <summary>A new request, pinned to the definition version it starts on.</summary>
    public static StepResult Start(Guid id, AgentRequest request, DefinitionRef definition, DateTimeOffset now)
    {
        var instance = new WorkflowInstance(id, request, definition, InstanceStatus.Received, null, [], null, 0, now, now);
        var audit = new AppendAudit(AuditKinds.Received, request.Requester, new Dictionary<string, object?>
        {
            ["requestId"] = request.RequestId,
            ["agentId"] = request.AgentId,
            ["text"] = request.Text,
            ["tool"] = request.Tool?.Name,
            ["toolAction"] = request.Tool?.Action,
        });
        return new StepResult(instance, [audit], StepOutcome.Applied);
    }

    public static StepResult Apply(WorkflowInstance state, WorkflowDefinition definition, WorkflowEvent @event, DateTimeOffset now)
    {
        var result = @event switch
        {
            Classified e => OnClassified(state, definition, e, now),
            DecisionSubmitted e => OnDecision(state, definition, e, now),
            TimerElapsed e => OnTimer(state, definition, e, now),
            ExecutionStarting e => OnExecutionStarting(state, e, now),
            ExecutionFinished e => OnExecutionFinished(state, e, now),
            _ => throw new ArgumentOutOfRangeException(nameof(@event), @event, "Unknown workflow event."),
        };
        return result.Outcome == StepOutcome.Applied
            ? result with { State = result.State with { Version = state.Version + 1, UpdatedAt = now } }
            : result;
    }

    private static StepResult OnClassified(WorkflowInstance state, WorkflowDefinition definition, Classified e, DateTimeOffset now)
    {
        if (state.Status != InstanceStatus.Received)
        {
            return StepResult.Ignore(state, "Already classified.");
        }

        var c = e.Result;
        var classified = state with { Classification = c };
        var route = definition.RouteFor(c.Route);
        var auditData = new Dictionary<string, object?>
        {
            ["risk"] = c.Risk.ToString().ToLowerInvariant(),
            ["category"] = c.Category,
            ["confidence"] = c.Confidence,
            ["reason"] = c.Reason,
            ["route"] = c.Route,
            ["matchedRules"] = c.MatchedRuleIds,
            ["matchedTerms"] = c.MatchedTerms,
        };
        // Only when present, so audit records of term-only rules keep their established shape.
        var details = c.Matches.SelectMany(m => m.Details ?? []).ToArray();
        if (details.Length > 0)
        {
            auditData["matchedConditions"] = details;
        }

        if (c.Warnings is { Count: > 0 } warnings)
        {
            auditData["warnings"] = warnings;
        }

        var audit = new AppendAudit(AuditKinds.Classified, SystemActors.Policy, auditData);

        switch (route.Action)
        {
            case RouteAction.Execute:
                return Applied(classified with { Status = InstanceStatus.Executing }, audit, new RequestExecution());
            case RouteAction.Block:
                var blocked = classified with { Status = InstanceStatus.Blocked };
                return Applied(blocked, audit, Completed(blocked, SystemActors.Policy, c.Reason), new NotifyCompleted());
            case RouteAction.Approve:
                var tier = route.Tiers[0];
                var taskId = DeterministicId.Create(state.Id, "task/0");
                var token = TimerToken(taskId, 0);
                var task = new ApprovalTask(taskId, 0, tier.Group, tier.RequiredApprovals, ApprovalTaskStatus.Open, now, now + tier.Timeout, token, []);
                var waiting = classified with { Status = InstanceStatus.AwaitingApproval, Tasks = [.. state.Tasks, task] };
                return Applied(
                    waiting,
                    audit,
                    new AppendAudit(AuditKinds.TaskOpened, SystemActors.Policy, TaskData(task)),
                    new ArmTimer(taskId, token, task.DueAt),
                    new NotifyApprovalRequested(taskId));
            default:
                throw new ArgumentOutOfRangeException(nameof(definition), route.Action, "Unknown route action.");
        }
    }

    private static StepResult OnDecision(WorkflowInstance state, WorkflowDefinition definition, DecisionSubmitted e, DateTimeOffset now)
    {
        if (state.FindDecision(e.DecisionId) is not null)
        {
            return StepResult.Ignore(state, $"Decision '{e.DecisionId}' was already recorded.");
        }

        var task = state.FindTask(e.TaskId);
        if (task is null)
        {
            return StepResult.Refuse(state, RefusalReason.NotFound, "No such task.");
        }

        if (task.Status != ApprovalTaskStatus.Open || state.Status != InstanceStatus.AwaitingApproval)
        {
            return StepResult.Refuse(state, RefusalReason.Closed, $"The task is {task.Status.ToString().ToLowerInvariant()}; the request is {state.Status.ToWire()}.");
        }

        if (!e.ActorGroups.Contains(task.Group, StringComparer.Ordinal))
        {
            return StepResult.Refuse(state, RefusalReason.NotInGroup, $"Only members of '{task.Group}' may decide this task now.");
        }

        if (e.Verdict == Verdict.Approve && string.Equals(e.Actor, state.Request.Requester, StringComparison.Ordinal))
        {
            return StepResult.Refuse(state, RefusalReason.SelfApproval, "A requester may not approve their own request.");
        }

        if (e.Verdict == Verdict.Approve && task.ApproversAtCurrentTier.Contains(e.Actor, StringComparer.Ordinal))
        {
            return StepResult.Ignore(state, $"'{e.Actor}' has already approved; one person counts once.");
        }

        var decision = new ApprovalDecision(e.DecisionId, e.Actor, e.Verdict, e.Comment, task.Tier, task.Group, now);
        var decided = task with { Decisions = [.. task.Decisions, decision] };
        var approvals = decided.ApproversAtCurrentTier.Count;
        var audit = new AppendAudit(AuditKinds.Decision, e.Actor, new Dictionary<string, object?>
        {
            ["taskId"] = task.Id,
            ["decisionId"] = e.DecisionId,
            ["verdict"] = e.Verdict.ToString().ToLowerInvariant(),
            ["comment"] = e.Comment,
            ["authenticated"] = e.Authenticated,
            ["group"] = task.Group,
            ["tier"] = task.Tier,
            ["approvals"] = approvals,
            ["required"] = task.RequiredApprovals,
        });

        if (e.Verdict == Verdict.Reject)
        {
            var rejected = state.WithTask(decided with { Status = ApprovalTaskStatus.Rejected }) with { Status = InstanceStatus.Rejected };
            return Applied(rejected, audit, new CancelTimer(task.TimerToken), Completed(rejected, e.Actor, e.Comment ?? "Rejected."), new NotifyCompleted());
        }

        if (approvals < task.RequiredApprovals)
        {
            return Applied(state.WithTask(decided), audit);
        }

        var approved = state.WithTask(decided with { Status = ApprovalTaskStatus.Approved }) with { Status = InstanceStatus.Executing };
        return Applied(approved, audit, new CancelTimer(task.TimerToken), new RequestExecution());
    }

    private static StepResult OnTimer(WorkflowInstance state, WorkflowDefinition definition, TimerElapsed e, DateTimeOffset now)
    {
        var task = state.FindTask(e.TaskId);
        if (task is null || task.Status != ApprovalTaskStatus.Open || state.Status != InstanceStatus.AwaitingApproval)
        {
            return StepResult.Ignore(state, "Stale timer: the task is no longer open.");
        }

        if (!string.Equals(task.TimerToken, e.Token, StringComparison.Ordinal))
        {
            return StepResult.Ignore(state, "Stale timer: the task has moved on to another tier.");
        }

        var route = definition.RouteFor(state.Classification!.Route);
        var next = task.Tier + 1;
        if (next < route.Tiers.Count)
        {
            var tier = route.Tiers[next];
            var token = TimerToken(task.Id, next);
            var escalated = task with
            {
                Tier = next,
                Group = tier.Group,
                RequiredApprovals = tier.RequiredApprovals,
                DueAt = now + tier.Timeout,
                TimerToken = token,
            };
            var data = TaskData(escalated);
            data["fromGroup"] = task.Group;
            return Applied(
                state.WithTask(escalated),
                new AppendAudit(AuditKinds.Escalated, SystemActors.Timer, data),
                new ArmTimer(task.Id, token, escalated.DueAt),
                new NotifyApprovalRequested(task.Id));
        }

        var expired = state.WithTask(task with { Status = ApprovalTaskStatus.Expired }) with { Status = InstanceStatus.Expired };
        var reason = $"No decision from '{task.Group}' by {task.DueAt:O}; auto-rejected.";
        return Applied(
            expired,
            new AppendAudit(AuditKinds.Expired, SystemActors.Timer, new Dictionary<string, object?> { ["taskId"] = task.Id, ["group"] = task.Group, ["tier"] = task.Tier }),
            Completed(expired, SystemActors.Timer, reason),
            new NotifyCompleted());
    }

    private static StepResult OnExecutionStarting(WorkflowInstance state, ExecutionStarting e, DateTimeOffset now)
    {
        if (state.Status != InstanceStatus.Executing)
        {
            return StepResult.Ignore(state, $"Not executing: the request is {state.Status.ToWire()}.");
        }

        var key = IdempotencyKey(state);
        if (state.Execution is null)
        {
            return StartAttempt(state, 1, e.RunId, key, now, interrupted: false);
        }

        if (state.Execution.Result is not null || state.Execution.StartedBy == e.RunId)
        {
            return StepResult.Ignore(state, "The execution is already in progress in this run, or finished.");
        }

        // The start was recorded by an earlier run that is gone: the call may or may not have reached the Gateway.
        var interrupted = new AppendAudit(AuditKinds.ExecutionInterrupted, SystemActors.Executor, new Dictionary<string, object?>
        {
            ["attempt"] = state.Execution.Attempt,
            ["startedBy"] = state.Execution.StartedBy,
            ["startedAt"] = state.Execution.StartedAt,
        });
        if (state.Request.Tool is not null || state.Execution.Attempt >= MaxChatAttempts)
        {
            var review = state with { Status = InstanceStatus.NeedsReview };
            var why = state.Request.Tool is not null
                ? "The process stopped during a tool invocation; it is never re-sent automatically. A person must check whether it ran."
                : $"The chat call was interrupted {state.Execution.Attempt} times.";
            return Applied(review, interrupted, Completed(review, SystemActors.Executor, why), new NotifyCompleted());
        }

        var restarted = StartAttempt(state, state.Execution.Attempt + 1, e.RunId, key, now, interrupted: true);
        return restarted with { Effects = [interrupted, .. restarted.Effects] };
    }

    private static StepResult StartAttempt(WorkflowInstance state, int attempt, string runId, string key, DateTimeOffset now, bool interrupted)
    {
        var started = state with { Execution = new ExecutionState(attempt, runId, now, key, null, null) };
        return Applied(
            started,
            new AppendAudit(AuditKinds.ExecutionStarted, SystemActors.Executor, new Dictionary<string, object?>
            {
                ["attempt"] = attempt,
                ["kind"] = state.Request.Tool is null ? "chat" : "tool",
                ["tool"] = state.Request.Tool?.Name,
                ["idempotencyKey"] = key,
                ["afterInterruption"] = interrupted,
            }),
            new CallGateway(attempt, key));
    }

    private static StepResult OnExecutionFinished(WorkflowInstance state, ExecutionFinished e, DateTimeOffset now)
    {
        var execution = state.Execution;
        if (state.Status != InstanceStatus.Executing || execution is null || execution.Attempt != e.Attempt || execution.Result is not null)
        {
            return StepResult.Ignore(state, "No such execution attempt in progress.");
        }

        var status = e.Result.Kind switch
        {
            ExecutionResultKind.Succeeded => InstanceStatus.Executed,
            ExecutionResultKind.DryRun => InstanceStatus.DryRun,
            ExecutionResultKind.Indeterminate => InstanceStatus.NeedsReview,
            _ => InstanceStatus.Failed,
        };
        var finished = state with { Status = status, Execution = execution with { FinishedAt = now, Result = e.Result } };
        return Applied(
            finished,
            new AppendAudit(AuditKinds.ExecutionFinished, SystemActors.Executor, new Dictionary<string, object?>
            {
                ["attempt"] = e.Attempt,
                ["result"] = e.Result.Kind.ToString().ToLowerInvariant(),
                ["error"] = e.Result.Error,
            }),
            Completed(finished, SystemActors.Executor, e.Result.Error),
            new NotifyCompleted());
    }

    /// <summary>The key the Gateway sees for a tool call: bound to the approval that allowed it (or to the instance when none was needed).</summary>
    public static string IdempotencyKey(WorkflowInstance state)
    {
        var approved = state.Tasks.LastOrDefault(t => t.Status == ApprovalTaskStatus.Approved);
        return approved is null ? $"ao-{state.Id:N}" : $"ao-{state.Id:N}-{approved.Id:N}";
    }

    private static string TimerToken(Guid taskId, int tier) => $"{taskId:N}-t{tier}";

    private static StepResult Applied(WorkflowInstance state, params WorkflowEffect[] effects) => new(state, effects, StepOutcome.Applied);

    private static AppendAudit Completed(WorkflowInstance state, string actor, string? reason) =>
        new(AuditKinds.Completed, actor, new Dictionary<string, object?> { ["status"] = state.Status.ToWire(), ["reason"] = reason });

    private static Dictionary<string, object?> TaskData(ApprovalTask task) => new()
    {
        ["taskId"] = task.Id,
        ["group"] = task.Group,
        ["tier"] = task.Tier,
        ["required"] = task.RequiredApprovals,
        ["dueAt"] = task.DueAt,
        ["timerToken"] = task.TimerToken,
    };
}
