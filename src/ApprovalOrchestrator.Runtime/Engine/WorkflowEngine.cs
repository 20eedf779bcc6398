using System.Data.Common;
using System.Data;
using System.Security.Cryptography;
using System.Text;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Definitions;
using ApprovalOrchestrator.Runtime.Messaging;
using ApprovalOrchestrator.Runtime.Storage;
using ApprovalOrchestrator.Runtime.Timers;
using Dapper;
using Microsoft.Extensions.Logging;

namespace ApprovalOrchestrator.Runtime.Engine;

/// <summary>
/// The imperative shell around <see cref="WorkflowStateMachine"/>: one step = one write transaction holding the new
/// instance state, its audit events, the timers it arms or cancels, and the messages it sends (outbox). Quartz and the
/// bus are told only after commit; if that is lost to a crash, recovery re-derives it from the committed rows.
/// </summary>
public sealed class WorkflowEngine(
    Database database,
    DefinitionCatalog definitions,
    TimerScheduler timers,
    OutboxSignal outboxSignal,
    Bindings.WorkflowSelector workflows,
    Microsoft.Extensions.Options.IOptions<Execution.ExecutionLeaseOptions> leases,
    Microsoft.Extensions.Options.IOptions<EngineOptions> engineOptions,
    Execution.LocalExecutions localExecutions,
    Controls.HaltBoard halts,
    RunIdentity run,
    TimeProvider clock,
    ILogger<WorkflowEngine> logger)
{
    private const int MaxAttempts = 8;

    /// <summary>
    /// Starts a workflow for a validated request (publishing <c>AgentRequestAccepted</c> from the same transaction), or returns
    /// the instance an earlier submit with the same requestId started, publishing nothing new.
    /// <paramref name="requesterGroups"/> come from the submitter's verified token, never from the request body; they are
    /// not part of the idempotency fingerprint (the same request resubmitted after a group change is still the same request).
    /// </summary>
    public async Task<SubmitResult> SubmitAsync(SubmitCommand command, CancellationToken cancellationToken = default, IReadOnlyList<string>? requesterGroups = null)
    {
        // Bindings choose the definition (the caller may only pick what its binding allows); see WorkflowSelector.
        var selection = await workflows.SelectAsync(command.AgentId, command.Workflow, requesterGroups);
        if (selection.Outcome != Bindings.SelectionOutcome.Selected)
        {
            return selection.Outcome == Bindings.SelectionOutcome.Forbidden ? SubmitResult.Forbidden(selection.Error!) : SubmitResult.Invalid(selection.Error!);
        }

        var definition = selection.Definition!;
        var workflowId = definition.Ref.Id;
        var request = new AgentRequest(
            command.ClientRequestId ?? Guid.NewGuid().ToString("N"),
            command.Requester!,
            command.AgentId ?? selection.AgentId ?? definition.Definition.Execution.DefaultAgentId,
            command.Text!,
            command.Tool is { } t ? new ToolSpec(t.Name!, t.Action, t.Args is { ValueKind: System.Text.Json.JsonValueKind.Object } a ? a.Clone() : null) : null,
            requesterGroups is { Count: > 0 } ? requesterGroups.ToArray() : null);
        var fingerprint = Fingerprint(request, workflowId);

        using var slot = localExecutions.Reserve();
        var result = await WithRetriesAsync(() => database.InStepTransactionAsync(async (connection, tx) =>
        {
            if (await InstanceRepository.FindByRequestIdAsync(connection, tx, request.Requester, request.ClientRequestId) is { } existing)
            {
                return existing.Fingerprint == fingerprint
                    ? SubmitResult.Existing((await InstanceRepository.LoadAsync(connection, tx, existing.Id))!)
                    : SubmitResult.Conflict(existing.Id);
            }

            var now = clock.GetUtcNow();
            var start = WorkflowStateMachine.Start(Guid.CreateVersion7(now), request, definition.Ref, now);
            await InstanceRepository.InsertAsync(connection, tx, start.State, fingerprint);
            await Telemetry.TraceContextRows.SaveAsync(connection, tx, start.State.Id);
            var heads = new Audit.AuditHeads();
            heads.New(start.State.Id);
            var pending = await ApplyEffectsAsync(connection, tx, start.State, start.Effects, now, engineOptions.Value.ExecutesLocally, heads);
            // Accepted before classify: the outbox publishes in commit order, so integrators hear "accepted" before "completed".
            await Outbox.AddAsync(connection, tx, OutcomeMessages.Accepted(start.State), now, DeterministicId.Create(start.State.Id, "accepted"));
            if (!engineOptions.Value.ClassifiesAtIntake)
            {
                await Outbox.AddAsync(connection, tx, new ClassifyRequest(start.State.Id), now, DeterministicId.Create(start.State.Id, "classify"));
                return SubmitResult.Created(start.State, pending with { Publishes = true });
            }

            // Classification is pure and cheap: done here, in the submit's own transaction, it saves a message and a step.
            using var span = Telemetry.OrchestratorTelemetry.StartSpan("classify", null);
            var classify = WorkflowStateMachine.Apply(start.State, definition.Definition, await ClassifyStep.EventForAsync(connection, tx, start.State, definition.Definition, now), now);
            if (classify.Outcome != StepOutcome.Applied)
            {
                throw new InvalidOperationException($"Classifying a new instance was refused: {classify.Message}");
            }

            var started = await StartInStepAsync(connection, tx, classify, definition.Definition, now, slot);
            await InstanceRepository.UpdateAsync(connection, tx, started?.State ?? classify.State, start.State.Version);
            var classified = await ApplyStepEffectsAsync(connection, tx, classify, started, definition.Definition, now, heads);
            Telemetry.StepTelemetry.Tag(span, classify.State, classify.Outcome);
            return SubmitResult.Created(classify.State, pending.And(classified) with { Publishes = true }) with { Classify = (start.State, classify, now), Started = started };
        }));

        AfterCommit(result.Pending, slot);
        if (result.Classify is { } classify)
        {
            Telemetry.StepTelemetry.RecordCommitted(classify.Before, classify.Step, classify.At);
            if (result.Started is { } started)
            {
                Telemetry.StepTelemetry.RecordCommitted(classify.Step.State, started, classify.At);
            }
        }

        return result;
    }

    /// <summary>
    /// Runs one step: reads the instance inside the write transaction, asks the state machine, and persists the result.
    /// With an <paramref name="inbox"/> key, a message this consumer already handled changes nothing.
    /// </summary>
    public Task<StepResult?> ApplyAsync(
        Guid instanceId,
        Func<WorkflowInstance, WorkflowDefinition, WorkflowEvent> createEvent,
        InboxKey? inbox = null,
        CancellationToken cancellationToken = default) =>
        ApplyAsync(instanceId, (_, _, instance, definition) => Task.FromResult(createEvent(instance, definition)), inbox, cancellationToken);

    /// <summary>
    /// As above, with an event that needs to read or claim rows in the step's own transaction first (an execution takeover
    /// claims the expired lease there, so the claim and the step commit or roll back together).
    /// </summary>
    public async Task<StepResult?> ApplyAsync(
        Guid instanceId,
        Func<IDbConnection, IDbTransaction, WorkflowInstance, WorkflowDefinition, Task<WorkflowEvent>> createEvent,
        InboxKey? inbox = null,
        CancellationToken cancellationToken = default)
    {
        // The step's span joins the request's trace even when an HTTP decision or a timer started it; outbox rows
        // written inside it carry that trace on to the next consumer.
        using var span = Telemetry.OrchestratorTelemetry.StartSpan("step", await Telemetry.TraceContextRows.FindAsync(database, instanceId));
        using var slot = localExecutions.Reserve();
        var (result, pending, before, at, started) = await WithRetriesAsync(() => database.InStepTransactionAsync<(StepResult?, PendingWork, WorkflowInstance?, DateTimeOffset, StepResult?)>(async (connection, tx) =>
        {
            var now = clock.GetUtcNow();
            if (inbox is not null && !await Inbox.TryClaimAsync(connection, tx, inbox, now))
            {
                return (null, PendingWork.None, null, now, null);
            }

            var instance = await InstanceRepository.LoadAsync(connection, tx, instanceId);
            if (instance is null)
            {
                return (null, PendingWork.None, null, now, null);
            }

            var definition = await definitions.GetAsync(instance.Definition.Id, instance.Definition.Version)
                ?? throw new InvalidOperationException($"Pinned definition {instance.Definition.Id} v{instance.Definition.Version} is missing.");
            var @event = await createEvent(connection, tx, instance, definition.Definition);
            span?.DisplayName = Telemetry.StepTelemetry.SpanName(@event);
            var step = WorkflowStateMachine.Apply(instance, definition.Definition, @event, now);
            if (@event is TimerElapsed fired)
            {
                // Whatever the outcome, this token has been presented: it never needs to fire again.
                await connection.ExecuteAsync("UPDATE timers SET status = 'fired' WHERE token = @Token AND status = 'armed'", new { fired.Token }, tx);
            }

            if (step.Outcome != StepOutcome.Applied)
            {
                if (step.Outcome == StepOutcome.Ignored)
                {
                    logger.LogDebug("Instance {Id}: {Event} ignored: {Why}", instanceId, @event.GetType().Name, step.Message);
                }

                return (step, PendingWork.None, instance, now, null);
            }

            var started = await StartInStepAsync(connection, tx, step, definition.Definition, now, slot);
            await InstanceRepository.UpdateAsync(connection, tx, started?.State ?? step.State, instance.Version);
            await Execution.ExecutionLeases.FollowAsync(connection, tx, instance, step, now, leases.Value.Lease);
            var work = await ApplyStepEffectsAsync(connection, tx, step, started, definition.Definition, now, new Audit.AuditHeads());
            return (step, work, instance, now, started);
        }));

        AfterCommit(pending, slot);
        if (result is not null)
        {
            Telemetry.StepTelemetry.Tag(span, result.State, result.Outcome);
            if (result.Outcome == StepOutcome.Applied && before is not null)
            {
                Telemetry.StepTelemetry.RecordCommitted(before, result, at);
                if (started is not null)
                {
                    Telemetry.StepTelemetry.RecordCommitted(result.State, started, at);
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Folds the execution start into the step that asks for it, when this process executes and one of its execution
    /// slots is free: the same start step the runner would commit next (kill switch read in this transaction, budgets
    /// counted, the lease written by <see cref="Execution.ExecutionLeases.FollowAsync"/>), so the Gateway call begins right
    /// after this commit. Null: no start here (the execution is queued after the commit as before).
    /// </summary>
    private async Task<StepResult?> StartInStepAsync(
        IDbConnection connection, IDbTransaction tx, StepResult step, WorkflowDefinition definition, DateTimeOffset now, Execution.LocalExecutions.Reservation slot)
    {
        if (!engineOptions.Value.ExecutesLocally || step.State.Execution is not null || !step.Effects.Any(e => e is RequestExecution) || !slot.TryTake())
        {
            return null;
        }

        // Its own span, named as the runner's start step would be, so a trace still shows where the start happened.
        using var span = Telemetry.OrchestratorTelemetry.StartSpan("execute start", null);
        var halt = await Execution.ExecutionStart.HaltCoveringAsync(connection, tx, halts, step.State, definition);
        var start = WorkflowStateMachine.Apply(step.State, definition, new ExecutionStarting(run.Id, null, halt), now);
        Telemetry.StepTelemetry.Tag(span, start.State, start.Outcome);
        return start.Outcome == StepOutcome.Applied ? start : null;
    }

    /// <summary>The effects of <paramref name="step"/> and, when it was folded in, of the execution start that followed it.</summary>
    private async Task<PendingWork> ApplyStepEffectsAsync(
        IDbConnection connection, IDbTransaction tx, StepResult step, StepResult? started, WorkflowDefinition definition, DateTimeOffset now, Audit.AuditHeads heads)
    {
        var work = await ApplyEffectsAsync(connection, tx, step.State, step.Effects, now, engineOptions.Value.ExecutesLocally, heads);
        if (started is null)
        {
            return work;
        }

        await Execution.ExecutionLeases.FollowAsync(connection, tx, step.State, started, now, leases.Value.Lease);
        var start = await ApplyEffectsAsync(connection, tx, started.State, started.Effects, now, engineOptions.Value.ExecutesLocally, heads);
        var call = started.Effects.OfType<CallGateway>().SingleOrDefault();
        // The start replaces the queued execution: it is either under way after the commit or held by a halt.
        return (work with { Executions = [] }).And(start) with
        {
            Started = call is null ? [] : [new Execution.StartedExecution(started.State, call, definition, System.Diagnostics.Activity.Current?.Id)],
        };
    }

    // internal static: the pending benchmark seeds rows through exactly this code.
    // executesLocally: EngineOptions.ExecutesLocally (this process starts what the step asks to execute).
    internal static async Task<PendingWork> ApplyEffectsAsync(
        IDbConnection connection, IDbTransaction tx, WorkflowInstance state, IReadOnlyList<WorkflowEffect> effects, DateTimeOffset now, bool executesLocally = false,
        Audit.AuditHeads? heads = null)
    {
        var armed = new List<TimerRow>();
        var cancelled = new List<string>();
        var publishes = false;
        var execute = false;
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case AppendAudit audit:
                    await Audit.AuditWriter.AppendAsync(connection, tx, state.Id, state.Definition, audit.Kind, audit.Actor, now, audit.Data, heads);
                    break;
                case ArmTimer arm:
                    armed.Add(await TimerRows.InsertAsync(connection, tx, new TimerRow(arm.Token, state.Id, arm.TaskId, arm.DueAt)));
                    break;
                case CancelTimer cancel:
                    await connection.ExecuteAsync("UPDATE timers SET status = 'cancelled' WHERE token = @Token AND status = 'armed'", new { cancel.Token }, tx);
                    cancelled.Add(cancel.Token);
                    break;
                case RequestExecution when executesLocally:
                    // Started by this process after the commit (LocalExecutions), unless the step already folded the
                    // start in (StartInStepAsync drops this then); if it dies first, the committed `executing` state
                    // without a lease is what the recovery sweep looks for.
                    execute = true;
                    break;
                case RequestExecution:
                    await Outbox.AddAsync(connection, tx, new ExecuteRequest(state.Id), now, DeterministicId.Create(state.Id, $"execute/{state.Version}"));
                    publishes = true;
                    break;
                case NotifyApprovalRequested notify:
                    var requested = OutcomeMessages.ApprovalRequested(state, notify.TaskId);
                    var requestedId = DeterministicId.Create(state.Id, $"approval-requested/{state.Version}");
                    await Outbox.AddAsync(connection, tx, requested, now, requestedId);
                    await Notifications.NotificationEvents.AddAsync(connection, tx, requested, now, requestedId);
                    publishes = true;
                    break;
                case NotifyCompleted:
                    var completed = OutcomeMessages.Completed(state, now);
                    var completedId = DeterministicId.Create(state.Id, "completed");
                    await Outbox.AddAsync(connection, tx, completed, now, completedId);
                    await Notifications.NotificationEvents.AddAsync(connection, tx, completed, now, completedId);
                    publishes = true;
                    break;
                case ConsumeBudget use:
                    await Budgets.BudgetCounterRows.AddAsync(connection, tx, use.AgentId, use.Metric, Core.Budgets.BudgetWindows.Start(use.Metric, now), use.Amount, now);
                    break;
                case CallGateway:
                    break; // carried out by the caller after commit: the start must be durable before the call.
                default:
                    throw new InvalidOperationException($"Unhandled effect {effect.GetType().Name}.");
            }
        }

        return new PendingWork(armed, cancelled, publishes, execute ? [state.Id] : []);
    }

    private void AfterCommit(PendingWork pending, Execution.LocalExecutions.Reservation? slot = null)
    {
        foreach (var started in pending.Started)
        {
            localExecutions.RunStarted(started, slot!);
        }

        foreach (var id in pending.Executions)
        {
            localExecutions.Enqueue(id, System.Diagnostics.Activity.Current?.Id);
        }

        if (pending.Publishes)
        {
            outboxSignal.Notify();
        }

        if (pending.Armed.Count > 0 || pending.Cancelled.Count > 0)
        {
            // Best effort: the timer rows are committed, and reconciliation schedules any that this misses.
            _ = timers.ApplyAsync(pending.Armed, pending.Cancelled);
        }
    }

    private async Task<T> WithRetriesAsync<T>(Func<Task<T>> step)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await step();
            }
            catch (Exception ex) when (attempt < MaxAttempts && IsTransient(ex))
            {
                logger.LogDebug(ex, "Step attempt {Attempt} hit a transient conflict; retrying", attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(5 * attempt * attempt), clock);
            }
        }
    }

    // A unique violation here is a racing step that wrote the same key first (a submit with the same requestId, an
    // audit seq): the retry reads the winner's state.
    private bool IsTransient(Exception ex) =>
        ex is ConcurrencyException || database.Sql.IsTransient(ex) || database.Sql.IsUniqueViolation(ex);

    internal static string Fingerprint(AgentRequest request, string workflowId)
    {
        var canonical = Json.Serialize(new { request.Requester, request.AgentId, request.Text, Tool = request.Tool?.Name, request.Tool?.Action, Args = request.Tool?.Args?.GetRawText(), workflowId });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    internal sealed record PendingWork(IReadOnlyList<TimerRow> Armed, IReadOnlyList<string> Cancelled, bool Publishes, IReadOnlyList<Guid> Executions)
    {
        public static readonly PendingWork None = new([], [], false, []);

        /// <summary>Executions whose start this step committed (at most one), run after the commit under the step's slot.</summary>
        public IReadOnlyList<Execution.StartedExecution> Started { get; init; } = [];

        public PendingWork And(PendingWork next) =>
            new([.. Armed, .. next.Armed], [.. Cancelled, .. next.Cancelled], Publishes || next.Publishes, [.. Executions, .. next.Executions])
            {
                Started = [.. Started, .. next.Started],
            };
    }

    /// <summary>What a submit came to.</summary>
    public sealed record SubmitResult(SubmitKind Kind, WorkflowInstance? Instance, Guid? ConflictingId, IReadOnlyList<FieldError> Errors)
    {
        internal PendingWork Pending { get; init; } = PendingWork.None;

        /// <summary>The classification done at intake, for its telemetry after the commit.</summary>
        internal (WorkflowInstance Before, StepResult Step, DateTimeOffset At)? Classify { get; init; }

        /// <summary>The execution start folded into the submit's transaction, if any.</summary>
        internal StepResult? Started { get; init; }

        internal static SubmitResult Created(WorkflowInstance instance, PendingWork pending) => new(SubmitKind.Created, instance, null, []) { Pending = pending };

        public static SubmitResult Existing(WorkflowInstance instance) => new(SubmitKind.Existing, instance, null, []);

        public static SubmitResult Conflict(Guid existing) => new(SubmitKind.Conflict, null, existing, []);

        public static SubmitResult Invalid(params FieldError[] errors) => new(SubmitKind.Invalid, null, null, errors);

        /// <summary>The caller may not do this (a <c>workflow</c> its binding does not allow): 403 over HTTP, rejected on the bus.</summary>
        public static SubmitResult Forbidden(params FieldError[] errors) => new(SubmitKind.Forbidden, null, null, errors);
    }

    public enum SubmitKind
    {
        Created,
        Existing,
        Conflict,
        Invalid,
        Forbidden,
    }
}
