using System.Text.Json;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Engine;
using ApprovalOrchestrator.Runtime.Messaging;
using ApprovalOrchestrator.Runtime.Storage;
using Microsoft.Extensions.Logging;

namespace ApprovalOrchestrator.Runtime.Execution;

/// <summary>
/// Carries out one request: commits "execution started" with this run's lease first, then calls the Gateway outside any
/// transaction while heartbeating the lease, then commits the outcome (which deletes the lease). A crash between the two
/// commits leaves the start and a lease that runs out; only then does recovery act on it (never a silent re-send).
/// </summary>
public sealed class ExecutionRunner(
    WorkflowEngine engine,
    IGatewayClient gateway,
    RunIdentity run,
    Database database,
    Controls.HaltBoard halts,
    Microsoft.Extensions.Options.IOptions<ExecutionLeaseOptions> leaseOptions,
    Microsoft.Extensions.Hosting.IHostApplicationLifetime lifetime,
    TimeProvider clock,
    ILogger<ExecutionRunner> logger)
{
    public async Task RunAsync(Guid instanceId, InboxKey? inbox, CancellationToken cancellationToken)
    {
        // Under the consumer's span, so the start, the Gateway call (HttpClient's span) and the finish nest in one place.
        using var span = Telemetry.OrchestratorTelemetry.StartSpan("execute", null);
        CallPlan? plan = null;
        var step = await engine.ApplyAsync(
            instanceId,
            async (connection, tx, instance, definition) =>
            {
                plan = CallPlan.For(instance, definition);
                var halt = await ExecutionStart.HaltCoveringAsync(connection, tx, halts, instance, definition);
                return new ExecutionStarting(run.Id, await ClaimIfAbandonedAsync(connection, tx, instance), halt);
            },
            inbox,
            cancellationToken);
        if (step is not { Outcome: StepOutcome.Applied } || step.Effects.OfType<CallGateway>().SingleOrDefault() is not { } call)
        {
            return;
        }

        await CallAndFinishAsync(step.State, call, plan!);
    }

    /// <summary>
    /// An execution whose start (lease included) the step that asked for it already committed in this process
    /// (<see cref="LocalExecutions"/>): the call and the outcome, as after the start step above.
    /// </summary>
    public async Task RunStartedAsync(StartedExecution started)
    {
        using var span = Telemetry.OrchestratorTelemetry.StartSpan("execute", null);
        await CallAndFinishAsync(started.State, started.Call, CallPlan.For(started.State, started.Definition));
    }

    private async Task CallAndFinishAsync(WorkflowInstance state, CallGateway call, CallPlan plan)
    {
        var instanceId = state.Id;
        var (timeout, requiresApproval, routeGateway, routeName, guardrails) = plan;
        // What leaves: the guardrails' redacted request, the same value the approvers' action hash covers.
        var request = SentAction.Of(state);
        var gatewayCall = new GatewayCall(
            state.Id,
            request.Requester,
            // The route's Gateway options win; unset ones fall back to the request's agent (itself defaulting to the
            // definition's execution agent at intake) and the definition's execution timeout.
            routeGateway?.AgentId ?? request.AgentId,
            request.Text,
            ClassificationJson(state, requiresApproval),
            request.Tool?.Name,
            request.Tool?.Action,
            request.Tool?.Args,
            $"approval-{state.Id:N}",
            call.IdempotencyKey,
            routeGateway?.Timeout ?? timeout,
            routeGateway?.Model);

        GatewayOutcome outcome;
        await using var heartbeat = LeaseHeartbeat.Start(database, instanceId, call.Attempt, run.Id, leaseOptions.Value, clock, logger);
        try
        {
            // Not the message's token: the bus cancels a consume when its broker connection drops, but the call is ours now
            // and its outcome must be recorded. Only shutting the process down abandons it (the next run reviews it).
            outcome = ModeMismatch(routeName, routeGateway, gatewayCall) is { } mismatch
                ? new GatewayOutcome(GatewayOutcomeStatus.Failed, RedactedRequest(gatewayCall), null, null, mismatch, "route-mode", 0)
                : GuardedExecution.ApprovalMismatch(state) is { } changed
                    ? new GatewayOutcome(GatewayOutcomeStatus.Failed, RedactedRequest(gatewayCall), null, null, changed, "action-changed", 0)
                    : await TimedAsync(() => gateway.SendAsync(gatewayCall, lifetime.ApplicationStopping));
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Shutting down mid-call: leave the start and its lease; once the lease has expired (on a SQLite file, as soon as
            // the next run owns it) recovery decides: tool → needs-review, chat → retry.
            logger.LogWarning("Shutdown during execution of {Id}; recovery will review it when its lease expires", instanceId);
            return;
        }
        catch (Exception ex)
        {
            // A fault of ours, not the Gateway's: record it rather than leave the instance executing. The message names
            // only the exception type, so nothing from configuration (the token) can leak through it.
            logger.LogError(ex, "Execution of {Id} failed unexpectedly", instanceId);
            var error = $"Execution failed inside the orchestrator ({ex.GetType().Name}); see the server log.";
            outcome = new GatewayOutcome(GatewayOutcomeStatus.Failed, RedactedRequest(gatewayCall), null, null, error, "internal", 0);
        }

        // The lease ends with this step (it deletes the row); no more beats once the call is over.
        await heartbeat.DisposeAsync();

        // Screened before it is stored, published in AgentRequestCompleted or shown: all of them read this one outcome.
        outcome = GuardedExecution.Screen(outcome, state, guardrails);
        var result = new ExecutionResult(
            outcome.Status switch
            {
                GatewayOutcomeStatus.Succeeded => ExecutionResultKind.Succeeded,
                GatewayOutcomeStatus.DryRun => ExecutionResultKind.DryRun,
                // A tool call that may have reached the Gateway without proof it did not run: unknown, not failed.
                GatewayOutcomeStatus.MayHaveRun => ExecutionResultKind.Indeterminate,
                _ when gatewayCall.IsToolInvocation && outcome.ErrorType is "internal" => ExecutionResultKind.Indeterminate,
                _ => ExecutionResultKind.Failed,
            },
            outcome.Error,
            JsonSerializer.SerializeToElement(outcome, Json.Options),
            outcome.Runtime,
            outcome.ResponseGuardrails);
        await engine.ApplyAsync(instanceId, (_, _) => new ExecutionFinished(call.Attempt, result), null, CancellationToken.None);
    }

    /// <summary>What the call needs from the pinned definition and the classification, read once per execution.</summary>
    private sealed record CallPlan(TimeSpan Timeout, bool RequiresApproval, RouteGateway? Gateway, string? RouteName, Core.Guardrails.GuardrailPolicy? Guardrails)
    {
        public static CallPlan For(WorkflowInstance instance, WorkflowDefinition definition)
        {
            if (instance.Classification is not { } c)
            {
                return new CallPlan(definition.Execution.Timeout, false, null, null, null);
            }

            var route = definition.RouteFor(c.Route);
            return new CallPlan(definition.Execution.Timeout, route.Action == RouteAction.Approve, route.Gateway, route.Name, Core.Guardrails.GuardrailEvaluator.PolicyFor(definition, c.Route));
        }
    }

    /// <summary>
    /// Another run's start without an outcome is taken over only when its lease has expired, claimed here in the step's
    /// transaction (only one claimer's UPDATE matches). A start with no lease at all was recorded by the release before
    /// leases: it counts as expired. Null: the execution is still its owner's, or is not another run's.
    /// </summary>
    private async Task<ExpiredLease?> ClaimIfAbandonedAsync(System.Data.IDbConnection connection, System.Data.IDbTransaction tx, WorkflowInstance instance)
    {
        if (!ExecutionLeases.InFlight(instance) || instance.Execution!.StartedBy == run.Id)
        {
            return null;
        }

        var lease = await ExecutionLeases.FindAsync(connection, tx, instance.Id);
        if (lease is null)
        {
            return new ExpiredLease(instance.Execution.StartedBy, null, null);
        }

        var now = clock.GetUtcNow();
        if (lease.ExpiresAt >= now)
        {
            return null;
        }

        return await ExecutionLeases.ClaimExpiredAsync(connection, tx, lease, run.Id, now, leaseOptions.Value.Lease)
            ? new ExpiredLease(lease.Owner, lease.ExpiresAt, lease.HeartbeatAt)
            : null;
    }

    private async Task<GatewayOutcome> TimedAsync(Func<Task<GatewayOutcome>> call)
    {
        var started = clock.GetTimestamp();
        var outcome = await call();
        var status = new KeyValuePair<string, object?>("status", outcome.Status.ToString().ToLowerInvariant());
        Telemetry.OrchestratorTelemetry.GatewayDuration.Record(clock.GetElapsedTime(started).TotalSeconds, status);
        if (outcome.Status is not (GatewayOutcomeStatus.Succeeded or GatewayOutcomeStatus.DryRun))
        {
            Telemetry.OrchestratorTelemetry.GatewayErrors.Add(1, status, new("error_type", outcome.ErrorType ?? "none"));
        }

        return outcome;
    }

    /// <summary>
    /// A route that pins the Gateway mode fails closed on a request of the other kind: sending a chat prompt where policy
    /// expected a tool call (or the reverse) would execute something the route was not written for. Nothing is sent.
    /// </summary>
    private static string? ModeMismatch(string? routeName, RouteGateway? options, GatewayCall call) => options?.Mode switch
    {
        GatewayMode.Tool when !call.IsToolInvocation =>
            $"Route '{routeName}' allows only tool calls (gateway.mode: tool) but the request is a chat request; nothing was sent.",
        GatewayMode.Chat when call.IsToolInvocation =>
            $"Route '{routeName}' allows only chat requests (gateway.mode: chat) but the request invokes tool '{call.ToolName}'; nothing was sent.",
        _ => null,
    };

    private static GatewayHttpRequest RedactedRequest(GatewayCall call) => new(
        "POST",
        call.IsToolInvocation ? "/tools/invoke" : "/v1/chat/completions",
        new Dictionary<string, string> { ["Authorization"] = "Bearer [redacted]" },
        JsonSerializer.SerializeToElement(new { call.AgentId, call.ToolName, call.ToolAction, call.IdempotencyKey }));

    /// <summary>The classification as the agent sees it: the proposal shape of the reference flow, plus the matched rules.</summary>
    private static string ClassificationJson(WorkflowInstance state, bool requiresApproval)
    {
        var c = state.Classification;
        return JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["user_request"] = SentAction.Of(state).Text,
            ["category"] = c?.Category,
            ["risk"] = c?.Risk.ToString().ToLowerInvariant(),
            ["confidence"] = c?.Confidence,
            ["requires_approval"] = requiresApproval,
            ["allow"] = true,
            ["reason"] = GuardedExecution.SentReason(state),
            ["matched_rules"] = c?.MatchedRuleIds,
            ["approved_by"] = state.Tasks.SelectMany(t => t.Decisions).Where(d => d.Verdict == Verdict.Approve).Select(d => d.Actor).ToArray(),
        });
    }
}
