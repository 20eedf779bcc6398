using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Delegation;

namespace ApprovalOrchestrator.Core.Workflow;

/// <summary>
/// The approval workflow as a pure function: (state, definition, event, now) → (state, effects).
/// No I/O, no clock, no randomness: every id it makes is derived from the instance id, so a transition replays exactly.
/// </summary>
public static class WorkflowStateMachine
{
    /// <summary>Chat calls are read-only and may be re-sent after a crash, but not forever.</summary>
    public const int MaxChatAttempts = 3;

    /// <summary>How early a timer may fire and still count: Quartz stores milliseconds and wakes up to a few ms ahead.</summary>
    public static readonly TimeSpan TimerTolerance = TimeSpan.FromSeconds(1);

    /// <summary>A new request, pinned to the definition version it starts on.</summary>
    public static StepResult Start(Guid id, AgentRequest request, DefinitionRef definition, DateTimeOffset now)
    {
        var instance = new WorkflowInstance(id, request, definition, InstanceStatus.Received, null, [], null, 0, now, now);
        var audit = new AppendAudit(AuditKinds.Received, request.Requester, new Dictionary<string, object?>
        {
            ["requestId"] = request.ClientRequestId,
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
            TaskClaimed e => OnClaim(state, e, now),
            ClaimReleased e => OnRelease(state, e, now),
            RequestWithdrawn e => OnWithdraw(state, e),
            TaskReassigned e => OnReassign(state, e),
            HaltLifted e => OnHaltLifted(state, e),
            _ => throw new ArgumentOutOfRangeException(nameof(@event), @event, "Unknown workflow event."),
        };
        return result.Outcome == StepOutcome.Applied
            ? result with { State = result.State with { Version = state.Version + 1, UpdatedAt = now }, Effects = [.. result.Effects, .. Budgets.BudgetUsage.Of(state, result.State, definition)] }
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

        // Detector ids and counts only, never values; only when the definition has guardrails (established shape otherwise).
        if (c.Guardrails is { } guardrails)
        {
            auditData["guardrails"] = new Dictionary<string, object?>
            {
                ["decision"] = guardrails.Decision,
                ["findings"] = guardrails.Findings,
                ["actions"] = guardrails.Actions,
                ["redacted"] = guardrails.RedactedCounts,
                ["classifiedRoute"] = guardrails.ClassifiedRoute,
            };
        }

        // Limits, counts and windows only; only when a budget applies (established shape otherwise).
        if (c.Budget is { } budget)
        {
            auditData["budget"] = BudgetData(budget);
        }

        var audit = new AppendAudit(AuditKinds.Classified, SystemActors.Policy, auditData);
        if (c.Guardrails is { IsBlocked: true })
        {
            var stopped = classified with { Status = InstanceStatus.Blocked };
            return Applied(stopped, audit, Completed(stopped, SystemActors.Policy, c.Reason), new NotifyCompleted());
        }

        if (c.Budget is { IsRejected: true } && route.Action != RouteAction.Block)
        {
            var refused = classified with { Status = InstanceStatus.Rejected };
            return Applied(refused, audit, Completed(refused, SystemActors.Policy, c.Reason), new NotifyCompleted());
        }

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
                var task = new ApprovalTask(taskId, 0, tier.Group, tier.RequiredApprovals, ApprovalTaskStatus.Open, now, now + tier.Timeout, token, [], ActionHash.Compute(SentAction.Of(classified), state.Definition.Hash));
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

        if (e.ActionHash is not null && !string.Equals(e.ActionHash, task.ActionHash, StringComparison.Ordinal))
        {
            return StepResult.Refuse(state, RefusalReason.StaleAction, $"The decision names action {e.ActionHash}, but the task is for {task.ActionHash}. Review the task again.");
        }

        if (task.ActiveClaim(now) is { } claim && !string.Equals(claim.By, e.Actor, StringComparison.Ordinal))
        {
            return StepResult.Refuse(state, RefusalReason.ClaimedByOther, $"'{claim.By}' is reviewing this task until {claim.ExpiresAt:O}.");
        }

        // The requester may reject (withdraw) their own request; nobody tied to them by delegation may decide at all.
        var requester = state.Request.Requester;
        var ownReject = e.Verdict == Verdict.Reject && string.Equals(e.Actor, requester, StringComparison.Ordinal);
        if (!ownReject && DelegationGraph.TieToRequester(requester, e.Actor, e.Delegations) is { } tie)
        {
            return StepResult.Refuse(state, RefusalReason.SelfApproval, TiedMessage(requester, e.Actor, tie));
        }

        var authority = Authority(task, e.Actor, e.ActorGroups, e.Delegations, requester);
        if (!authority.Allowed)
        {
            return StepResult.Refuse(state, RefusalReason.NotInGroup, NotAllowedMessage(task));
        }

        var via = authority.Via?.Delegator;
        var chain = authority.Via is { } held ? DelegationGraph.FullChain(held, e.Actor) : null;

        // One person counts once per verdict and tier, whether they act themselves or through a delegate.
        var already = task.PeopleAtCurrentTier(e.Verdict);
        if (already.Contains(e.Actor) || (via is not null && already.Contains(via)))
        {
            return StepResult.Ignore(state, $"'{via ?? e.Actor}' has already {(e.Verdict == Verdict.Approve ? "approved" : "rejected")} at this tier; one person counts once.");
        }

        var decision = new ApprovalDecision(e.DecisionId, e.Actor, e.Verdict, e.Comment, task.Tier, task.Group, now, via, chain);
        var decided = task with { Decisions = [.. task.Decisions, decision] };
        var approvals = decided.ApproversAtCurrentTier.Count;
        var rejections = decided.RejectersAtCurrentTier.Count;
        var decisionData = new Dictionary<string, object?>
        {
            ["taskId"] = task.Id,
            ["decisionId"] = e.DecisionId,
            ["verdict"] = e.Verdict.ToString().ToLowerInvariant(),
            ["comment"] = e.Comment,
            ["authenticated"] = e.Authenticated,
            ["group"] = task.Group,
            ["tier"] = task.Tier,
            ["approvals"] = approvals,
            ["rejections"] = rejections,
            ["required"] = task.RequiredApprovals,
            ["actionHash"] = task.ActionHash,
            ["delegate"] = via is null ? null : e.Actor,
            ["delegator"] = via,
            ["delegationChain"] = chain,
        };
        if (e.Bridge is not null)
        {
            decisionData["bridge"] = e.Bridge; // only when a bridge vouched, so token decisions keep their shape
        }

        var audit = new AppendAudit(AuditKinds.Decision, e.Actor, decisionData);

        if (e.Verdict == Verdict.Reject)
        {
            var policy = definition.RouteFor(state.Classification!.Route).RejectPolicy;
            if (policy == RejectPolicy.Majority && rejections < (task.RequiredApprovals / 2) + 1)
            {
                return Applied(state.WithTask(decided), audit);
            }

            var rejected = state.WithTask(decided with { Status = ApprovalTaskStatus.Rejected, Claim = null }) with { Status = InstanceStatus.Rejected };
            return Applied(rejected, audit, new CancelTimer(task.TimerToken), Completed(rejected, e.Actor, e.Comment ?? "Rejected."), new NotifyCompleted());
        }

        if (approvals < task.RequiredApprovals)
        {
            return Applied(state.WithTask(decided), audit);
        }

        var approved = state.WithTask(decided with { Status = ApprovalTaskStatus.Approved, Claim = null }) with { Status = InstanceStatus.Executing };
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

        // A firing well before the due time is not a timer at all (a forged or replayed message): it changes nothing.
        if (now + TimerTolerance < task.DueAt)
        {
            return StepResult.Ignore(state, $"Early timer: the task is not due until {task.DueAt:O}.");
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
                AssignedTo = null,
                Claim = null,
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

    private static StepResult OnClaim(WorkflowInstance state, TaskClaimed e, DateTimeOffset now)
    {
        if (OpenTask(state, e.TaskId) is { } refusal)
        {
            return refusal;
        }

        var task = state.FindTask(e.TaskId)!;
        if (DelegationGraph.TieToRequester(state.Request.Requester, e.Actor, e.Delegations) is { } tie)
        {
            return StepResult.Refuse(state, RefusalReason.SelfApproval, TiedMessage(state.Request.Requester, e.Actor, tie));
        }

        if (!Authority(task, e.Actor, e.ActorGroups, e.Delegations, state.Request.Requester).Allowed)
        {
            return StepResult.Refuse(state, RefusalReason.NotInGroup, NotAllowedMessage(task));
        }

        if (task.ActiveClaim(now) is { } held && !string.Equals(held.By, e.Actor, StringComparison.Ordinal))
        {
            return StepResult.Refuse(state, RefusalReason.ClaimedByOther, $"'{held.By}' is reviewing this task until {held.ExpiresAt:O}.");
        }

        var claim = new TaskClaim(e.Actor, now, now + e.Duration);
        return Applied(
            state.WithTask(task with { Claim = claim }),
            new AppendAudit(AuditKinds.Claimed, e.Actor, new Dictionary<string, object?> { ["taskId"] = task.Id, ["expiresAt"] = claim.ExpiresAt }));
    }

    private static StepResult OnRelease(WorkflowInstance state, ClaimReleased e, DateTimeOffset now)
    {
        if (OpenTask(state, e.TaskId) is { } refusal)
        {
            return refusal;
        }

        var task = state.FindTask(e.TaskId)!;
        if (task.ActiveClaim(now) is not { } held)
        {
            return StepResult.Ignore(state, "The task is not claimed (or the claim expired).");
        }

        if (!string.Equals(held.By, e.Actor, StringComparison.Ordinal))
        {
            return StepResult.Refuse(state, RefusalReason.ClaimedByOther, $"The claim is held by '{held.By}'.");
        }

        return Applied(
            state.WithTask(task with { Claim = null }),
            new AppendAudit(AuditKinds.Released, e.Actor, new Dictionary<string, object?> { ["taskId"] = task.Id }));
    }

    private static StepResult OnWithdraw(WorkflowInstance state, RequestWithdrawn e)
    {
        if (!string.Equals(e.Actor, state.Request.Requester, StringComparison.Ordinal))
        {
            return StepResult.Refuse(state, RefusalReason.NotRequester, "Only the requester may withdraw a request.");
        }

        // A halted request held at its first start has sent nothing, so withdrawing it is safe; one held before a
        // retry may already have run once, and "may have run" must not be closed as if nothing happened.
        var heldBeforeAnyCall = state.Status == InstanceStatus.Halted && state.Execution is null;
        if (state.Status is not (InstanceStatus.Received or InstanceStatus.AwaitingApproval) && !heldBeforeAnyCall)
        {
            var why = state.Status == InstanceStatus.Halted
                ? "The request is halted after an execution attempt that may have run; it cannot be withdrawn."
                : $"The request is {state.Status.ToWire()}; only a request that has not started executing can be withdrawn.";
            return StepResult.Refuse(state, RefusalReason.Closed, why);
        }

        var open = state.Tasks.Where(t => t.Status == ApprovalTaskStatus.Open).ToList();
        var withdrawn = open.Aggregate(state, (s, t) => s.WithTask(t with { Status = ApprovalTaskStatus.Withdrawn, Claim = null })) with { Status = InstanceStatus.Withdrawn };
        var effects = new List<WorkflowEffect>
        {
            new AppendAudit(AuditKinds.Withdrawn, e.Actor, new Dictionary<string, object?> { ["reason"] = e.Reason, ["tasks"] = open.Select(t => t.Id).ToArray() }),
        };
        effects.AddRange(open.Select(t => new CancelTimer(t.TimerToken)));
        effects.Add(Completed(withdrawn, e.Actor, e.Reason ?? "Withdrawn by the requester."));
        effects.Add(new NotifyCompleted());
        return new StepResult(withdrawn, effects, StepOutcome.Applied);
    }

    private static StepResult OnReassign(WorkflowInstance state, TaskReassigned e)
    {
        if (OpenTask(state, e.TaskId) is { } refusal)
        {
            return refusal;
        }

        if (e.AssignedTo is { } assignee && DelegationGraph.TieToRequester(state.Request.Requester, assignee, e.AssigneeDelegations) is { } tie)
        {
            return StepResult.Refuse(state, RefusalReason.SelfApproval, tie.Count == 1
                ? "A task cannot be assigned to the requester of its request."
                : $"A task cannot be assigned to '{assignee}': {TiedMessage(state.Request.Requester, assignee, tie)}");
        }

        var task = state.FindTask(e.TaskId)!;
        var moved = task with { Group = e.Group ?? task.Group, AssignedTo = e.AssignedTo, Claim = null };
        return Applied(
            state.WithTask(moved),
            new AppendAudit(AuditKinds.Reassigned, e.Actor, new Dictionary<string, object?>
            {
                ["taskId"] = task.Id,
                ["fromGroup"] = task.Group,
                ["fromAssignee"] = task.AssignedTo,
                ["group"] = moved.Group,
                ["assignedTo"] = moved.AssignedTo,
                ["comment"] = e.Comment,
            }),
            new NotifyApprovalRequested(task.Id));
    }

    /// <summary>Null when the task exists and is open on a waiting request; else the refusal to return.</summary>
    private static StepResult? OpenTask(WorkflowInstance state, Guid taskId)
    {
        var task = state.FindTask(taskId);
        if (task is null)
        {
            return StepResult.Refuse(state, RefusalReason.NotFound, "No such task.");
        }

        return task.Status != ApprovalTaskStatus.Open || state.Status != InstanceStatus.AwaitingApproval
            ? StepResult.Refuse(state, RefusalReason.Closed, $"The task is {task.Status.ToString().ToLowerInvariant()}; the request is {state.Status.ToWire()}.")
            : null;
    }

    /// <summary>
    /// Whether the actor may act on the task: as the assignee or a member of its group, or through a delegation from
    /// such a person. A delegator other than the requester, and not yet counted at this tier, is preferred.
    /// </summary>
    public static (bool Allowed, DelegatedAuthority? Via) Authority(
        ApprovalTask task, string actor, IReadOnlyCollection<string> groups, IReadOnlyList<DelegatedAuthority>? delegations, string requester)
    {
        var candidates = delegations ?? [];
        if (task.AssignedTo is { } assignee)
        {
            return string.Equals(actor, assignee, StringComparison.Ordinal)
                ? (true, null)
                : candidates.FirstOrDefault(d => string.Equals(d.Delegator, assignee, StringComparison.Ordinal)) is { } to ? (true, to) : (false, null);
        }

        if (groups.Contains(task.Group, StringComparer.Ordinal))
        {
            return (true, null);
        }

        var counted = task.PeopleAtCurrentTier(Verdict.Approve);
        var via = candidates.Where(d => d.Groups.Contains(task.Group, StringComparer.Ordinal))
            .OrderBy(d => string.Equals(d.Delegator, requester, StringComparison.Ordinal) || counted.Contains(d.Delegator) ? 1 : 0)
            .ThenBy(d => d.Chain.Count)
            .FirstOrDefault();
        return via is null ? (false, null) : (true, via);
    }

    /// <summary>
    /// Whether <paramref name="actor"/> may see and act on the task at all: not tied to the requester by delegation
    /// (<see cref="DelegationGraph.TieToRequester"/>) and holding the authority. The task read, the console page and the
    /// inbox use this same rule as the decision and the claim.
    /// </summary>
    public static bool MayAct(ApprovalTask task, string actor, IReadOnlyCollection<string> groups, IReadOnlyList<DelegatedAuthority>? delegations, string requester) =>
        DelegationGraph.TieToRequester(requester, actor, delegations) is null
        && Authority(task, actor, groups, delegations, requester).Allowed;

    private static string TiedMessage(string requester, string actor, IReadOnlyList<string> tie) => tie.Count == 1
        ? "A requester may not decide on or review their own request (they may withdraw it, or reject it)."
        : $"'{actor}' holds authority through a delegation chain that includes the requester '{requester}' ({string.Join(" → ", tie)}): nobody acting through the requester may decide on or review their request.";

    private static string NotAllowedMessage(ApprovalTask task) => task.AssignedTo is { } person
        ? $"Only '{person}' (or their delegate) may act on this task now."
        : $"Only members of '{task.Group}' (or their delegates) may act on this task now.";

    private static StepResult OnExecutionStarting(WorkflowInstance state, ExecutionStarting e, DateTimeOffset now)
    {
        if (state.Status != InstanceStatus.Executing)
        {
            return StepResult.Ignore(state, $"Not executing: the request is {state.Status.ToWire()}.");
        }

        var key = IdempotencyKey(state);
        if (state.Execution is null)
        {
            return e.Halt is { } halt ? Hold(state, halt, afterInterruption: false) : StartAttempt(state, 1, e.RunId, key, now, interrupted: false);
        }

        if (state.Execution.Result is not null || state.Execution.StartedBy == e.RunId)
        {
            return StepResult.Ignore(state, "The execution is already in progress in this run, or finished.");
        }

        if (e.Takeover is not { } expired)
        {
            // Another run holds the execution under a live lease: its call may be in flight right now.
            return StepResult.Ignore(state, $"The execution is in flight in run {state.Execution.StartedBy}.");
        }

        // The start was recorded by a run that is gone (its lease expired): the call may or may not have reached the Gateway.
        var interrupted = new AppendAudit(AuditKinds.ExecutionInterrupted, SystemActors.Executor, new Dictionary<string, object?>
        {
            ["attempt"] = state.Execution.Attempt,
            ["startedBy"] = state.Execution.StartedBy,
            ["startedAt"] = state.Execution.StartedAt,
            ["leaseOwner"] = expired.Owner,
            ["leaseExpiresAt"] = expired.ExpiresAt,
            ["lastHeartbeatAt"] = expired.LastHeartbeatAt,
            ["takenOverBy"] = e.RunId,
        });
        if (state.Request.Tool is not null || state.Execution.Attempt >= MaxChatAttempts)
        {
            var review = state with { Status = InstanceStatus.NeedsReview };
            var why = state.Request.Tool is not null
                ? "The process stopped during a tool invocation; it is never re-sent automatically. A person must check whether it ran."
                : $"The chat call was interrupted {state.Execution.Attempt} times.";
            return Applied(review, interrupted, Completed(review, SystemActors.Executor, why), new NotifyCompleted());
        }

        if (e.Halt is { } held)
        {
            // A retry is a new call: it waits too. The interruption is recorded when the released request takes over again.
            return Hold(state, held, afterInterruption: true);
        }

        var restarted = StartAttempt(state, state.Execution.Attempt + 1, e.RunId, key, now, interrupted: true);
        return restarted with { Effects = [interrupted, .. restarted.Effects] };
    }

    /// <summary>A halt in force covers the request: it waits, visibly, instead of calling the Gateway.</summary>
    private static StepResult Hold(WorkflowInstance state, Controls.Halt halt, bool afterInterruption)
    {
        var data = HaltData(halt);
        data["afterInterruption"] = afterInterruption;
        return Applied(state with { Status = InstanceStatus.Halted }, new AppendAudit(AuditKinds.ExecutionHalted, SystemActors.Executor, data));
    }

    /// <summary>The halt that held the request was lifted: unless another still covers it, it goes back to execute.</summary>
    private static StepResult OnHaltLifted(WorkflowInstance state, HaltLifted e)
    {
        if (state.Status != InstanceStatus.Halted)
        {
            return StepResult.Ignore(state, $"Not halted: the request is {state.Status.ToWire()}.");
        }

        if (e.StillHeldBy is { } other)
        {
            if (other.Id == e.Lifted.Id)
            {
                return StepResult.Ignore(state, $"Halt {other.Id} is still in force.");
            }

            // Another halt in force covers it too: it stays halted, now held by that one (which its own resume releases).
            var held = HaltData(other);
            held["heldAfter"] = e.Lifted.Id;
            return Applied(state, new AppendAudit(AuditKinds.ExecutionHalted, SystemActors.Executor, held));
        }

        var data = HaltData(e.Lifted);
        data["resumeReason"] = e.Reason;
        return Applied(state with { Status = InstanceStatus.Executing }, new AppendAudit(AuditKinds.ExecutionReleased, e.Actor, data), new RequestExecution());
    }

    private static Dictionary<string, object?> HaltData(Controls.Halt halt) => new()
    {
        ["haltId"] = halt.Id,
        ["scope"] = Controls.HaltScopeExtensions.ToWire(halt.Scope),
        ["target"] = halt.Target,
        ["reason"] = halt.Reason,
        ["haltedBy"] = halt.By,
    };

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
        var data = new Dictionary<string, object?>
        {
            ["attempt"] = e.Attempt,
            ["result"] = e.Result.Kind.ToString().ToLowerInvariant(),
            ["error"] = e.Result.Error,
        };
        // Only when known, so records of executions without them keep their established shape.
        if (e.Result.Runtime is { } runtime)
        {
            data["runtime"] = runtime;
        }

        if (e.Result.Screening is { } screening)
        {
            data["responseGuardrails"] = screening;
        }

        return Applied(
            finished,
            new AppendAudit(AuditKinds.ExecutionFinished, SystemActors.Executor, data),
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

    private static Dictionary<string, object?> BudgetData(Budgets.BudgetOutcome budget) => new()
    {
        ["agentId"] = budget.AgentId,
        ["decision"] = budget.Decision,
        ["exceeded"] = budget.Exceeded,
        ["reason"] = budget.Reason,
        ["classifiedRoute"] = budget.ClassifiedRoute,
        ["uses"] = budget.Uses.Select(u => new Dictionary<string, object?>
        {
            ["name"] = u.Name,
            ["used"] = u.Used,
            ["limit"] = u.Limit,
            ["windowStart"] = u.WindowStart,
        }).ToArray(),
    };

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
