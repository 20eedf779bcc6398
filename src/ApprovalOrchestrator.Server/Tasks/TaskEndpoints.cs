using ApprovalOrchestrator.Core.Delegation;
using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Approvals;
using ApprovalOrchestrator.Runtime.Engine;
using ApprovalOrchestrator.Runtime.Requests;
using ApprovalOrchestrator.Server.Hosting;
using ApprovalOrchestrator.Server.Identity;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Server.Tasks;

/// <summary><c>/api/tasks</c>: the approver's inbox, claims, decisions, reassignment and bulk approval.</summary>
public static class TaskEndpoints
{
    public static void MapTasks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tasks").WithTags("Tasks");
        group.MapGet("/", InboxAsync).RequireAuthorization(Roles.Approver);
        group.MapGet("/{id:guid}", GetAsync).RequireAuthorization(Roles.Reader);
        group.MapPost("/{id:guid}/claim", ClaimAsync).RequireAuthorization(Roles.Approver);
        group.MapDelete("/{id:guid}/claim", ReleaseAsync).RequireAuthorization(Roles.Approver);
        group.MapPost("/{id:guid}/decision", DecideAsync).RequireAuthorization(Roles.Approver);
        group.MapPost("/{id:guid}/reassign", ReassignAsync).RequireAuthorization(Roles.Admin);
        group.MapPost("/bulk-approve", BulkApprove.HandleAsync).RequireAuthorization(Roles.Approver);
    }

    private static async Task<IResult> InboxAsync(string? status, string? risk, string? group, int? offset, int? limit, HttpContext http, RequestQueries queries, DelegationStore delegations)
    {
        var errors = new List<FieldError>();
        status ??= "open";
        if (status is not ("open" or "approved" or "rejected" or "expired" or "withdrawn"))
        {
            errors.Add(new("status", "must be open, approved, rejected, expired or withdrawn."));
        }

        if (risk is not null && risk is not ("amber" or "red"))
        {
            errors.Add(new("risk", "must be amber or red."));
        }

        errors.AddRange(Paging.Validate(offset, limit));
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var inbox = await InboxFor(Caller.From(http.User), delegations, status, risk, group);
        return Results.Ok(await queries.InboxAsync(inbox, offset ?? 0, limit ?? Paging.DefaultLimit));
    }

    /// <summary>The caller's inbox query: their own groups plus delegated ones, and the people who delegated to them.</summary>
    internal static async Task<InboxQuery> InboxFor(Caller caller, DelegationStore delegations, string status, string? risk, string? group)
    {
        var granted = await delegations.AuthoritiesAsync(caller.User);
        var groups = caller.Groups.Concat(granted.SelectMany(g => g.Groups)).Distinct(StringComparer.Ordinal).ToArray();
        // The same separation-of-duties rule the decision and the claim apply: tasks of anyone tied to the caller by delegation are left out.
        var tied = DelegationGraph.TiedRequesters(caller.User, granted).ToArray();
        return new InboxQuery(caller.User, groups, granted.Select(g => g.Delegator).ToArray(), status, risk, group, tied);
    }

    /// <summary>Whether <paramref name="caller"/> may act on the task (never on their own request, nor through it): what the task read and the decision check.</summary>
    internal static async Task<bool> MayActAsync(Caller caller, WorkflowInstance instance, Guid taskId, DelegationStore delegations) =>
        caller.Is(Roles.Approver)
        && instance.FindTask(taskId) is { } task
        && WorkflowStateMachine.MayAct(task, caller.User, caller.Groups, await delegations.AuthoritiesAsync(caller.User), instance.Request.Requester);

    /// <summary>One task: for auditors and admins, and for approvers who may act on it; others learn nothing about it.</summary>
    private static async Task<IResult> GetAsync(Guid id, HttpContext http, RequestQueries queries, DelegationStore delegations)
    {
        if (await queries.GetTaskAsync(id) is not { } found)
        {
            return Problems.Status(StatusCodes.Status404NotFound, "Not found", $"No task {id}.");
        }

        var caller = Caller.From(http.User);
        if (caller.Is(Roles.Admin) || caller.Is(Roles.Auditor))
        {
            return Results.Ok(found.View);
        }

        return await MayActAsync(caller, found.Instance, id, delegations) ? Results.Ok(found.View) : await Refusals.ForbiddenAsync(http, $"task {id} is not for {caller.User}");
    }

    private static async Task<IResult> ClaimAsync(Guid id, HttpContext http, WorkflowEngine engine, RequestQueries queries, DelegationStore delegations, IOptions<ApprovalsOptions> options)
    {
        if (await queries.FindTaskInstanceAsync(id) is not { } instanceId)
        {
            return Problems.Status(StatusCodes.Status404NotFound, "Not found", $"No task {id}.");
        }

        var caller = Caller.From(http.User);
        var granted = await delegations.AuthoritiesAsync(caller.User);
        var step = await engine.ApplyAsync(instanceId, (_, _) => new TaskClaimed(id, caller.User, caller.Groups, options.Value.ClaimDuration, granted), cancellationToken: http.RequestAborted);
        return await AnswerAsync(http, id, step, s => Results.Ok(new ClaimResponse(id, s.State.FindTask(id)!.Claim!)));
    }

    private static async Task<IResult> ReleaseAsync(Guid id, HttpContext http, WorkflowEngine engine, RequestQueries queries)
    {
        if (await queries.FindTaskInstanceAsync(id) is not { } instanceId)
        {
            return Problems.Status(StatusCodes.Status404NotFound, "Not found", $"No task {id}.");
        }

        var caller = Caller.From(http.User);
        var step = await engine.ApplyAsync(instanceId, (_, _) => new ClaimReleased(id, caller.User), cancellationToken: http.RequestAborted);
        return await AnswerAsync(http, id, step, _ => Results.NoContent());
    }

    private static async Task<IResult> DecideAsync(Guid id, HttpRequest http, WorkflowEngine engine, RequestQueries queries, DelegationStore delegations)
    {
        var (body, problem) = await Problems.ReadJsonAsync<DecisionBody>(http, ApiJson.Strict);
        if (problem is not null)
        {
            return problem;
        }

        // The same field rules as a bus decision: one use case, TaskDecisions.
        var (verdict, errors) = TaskDecisions.Validate(body!.Decision, body.Comment, body.DecisionId, body.ActionHash);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        if (await queries.FindTaskInstanceAsync(id) is not { } instanceId)
        {
            return Problems.Status(StatusCodes.Status404NotFound, "Not found", $"No task {id}.");
        }

        var caller = Caller.From(http.HttpContext.User);
        var decisionId = body.DecisionId ?? Guid.NewGuid().ToString("N");
        var step = await Decide(engine, delegations, caller, instanceId, id, decisionId, verdict, body.Comment, body.ActionHash!, http.HttpContext.RequestAborted);
        return await AnswerAsync(http.HttpContext, id, step, s => Results.Ok(DecisionResponse.From(s, id, instanceId, decisionId)));
    }

    /// <summary>One decision by a token-verified caller, through the use case the bus consumer shares (<see cref="TaskDecisions"/>).</summary>
    internal static Task<StepResult?> Decide(
        WorkflowEngine engine, DelegationStore delegations, Caller caller, Guid instanceId, Guid taskId, string decisionId, Verdict verdict, string? comment, string actionHash, CancellationToken cancellationToken) =>
        new TaskDecisions(engine, delegations).DecideAsync(
            new Decider(caller.User, caller.Groups, Authenticated: true), instanceId, taskId, decisionId, verdict, comment, actionHash, cancellationToken: cancellationToken);

    private static async Task<IResult> ReassignAsync(Guid id, HttpRequest http, WorkflowEngine engine, RequestQueries queries, DelegationStore delegations)
    {
        var (body, problem) = await Problems.ReadJsonAsync<ReassignBody>(http, ApiJson.Strict);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrWhiteSpace(body!.Group) && string.IsNullOrWhiteSpace(body.User))
        {
            return Problems.Validation([new FieldError("group", "name a group, a user, or both.")]);
        }

        if (await queries.FindTaskInstanceAsync(id) is not { } instanceId)
        {
            return Problems.Status(StatusCodes.Status404NotFound, "Not found", $"No task {id}.");
        }

        var caller = Caller.From(http.HttpContext.User);
        var assignee = NullIfBlank(body.User);
        var assigneeDelegations = assignee is null ? null : await delegations.AuthoritiesAsync(assignee);
        var step = await engine.ApplyAsync(
            instanceId,
            (_, _) => new TaskReassigned(id, caller.User, NullIfBlank(body.Group), assignee, body.Comment, assigneeDelegations),
            cancellationToken: http.HttpContext.RequestAborted);
        return await AnswerAsync(http.HttpContext, id, step, s => Results.Ok(new { taskId = id, group = s.State.FindTask(id)!.Group, assignedTo = s.State.FindTask(id)!.AssignedTo }));
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>Refusals as HTTP: 404 no task, 409 closed or claimed by another, 412 stale action hash, 403 (audited) not allowed.</summary>
    private static async Task<IResult> AnswerAsync(HttpContext http, Guid id, StepResult? step, Func<StepResult, IResult> ok) => step switch
    {
        null => Problems.Status(StatusCodes.Status404NotFound, "Not found", $"No task {id}."),
        { Outcome: StepOutcome.Refused } => step.Refusal switch
        {
            RefusalReason.NotFound => Problems.Status(StatusCodes.Status404NotFound, "Not found", step.Message!),
            RefusalReason.Closed => Problems.Status(StatusCodes.Status409Conflict, "The task is closed", step.Message!),
            RefusalReason.ClaimedByOther => Problems.Status(StatusCodes.Status409Conflict, "Claimed by someone else", step.Message!),
            RefusalReason.StaleAction => Problems.Status(StatusCodes.Status412PreconditionFailed, "The action changed", step.Message!),
            _ => await Refusals.ForbiddenAsync(http, step.Message!),
        },
        _ => ok(step),
    };

    /// <summary>The decision body. <see cref="ActionHash"/> is the task's, as reviewed; send a <see cref="DecisionId"/> to make retries safe.</summary>
    public sealed record DecisionBody(string? Decision, string? Comment, string? DecisionId, string? ActionHash);

    public sealed record ReassignBody(string? Group, string? User, string? Comment);

    public sealed record ClaimResponse(Guid TaskId, TaskClaim Claim);

    /// <summary><see cref="Recorded"/> is false for a duplicate (same decisionId, or the same approver again): nothing changed.</summary>
    public sealed record DecisionResponse(
        Guid TaskId, Guid RequestId, string DecisionId, bool Recorded, string? Note, string TaskStatus,
        IReadOnlyList<string> Approvals, int Required, string RequestStatus)
    {
        public static DecisionResponse From(StepResult step, Guid taskId, Guid instanceId, string decisionId)
        {
            var task = step.State.FindTask(taskId);
            return new DecisionResponse(
                taskId, instanceId, decisionId, step.Outcome == StepOutcome.Applied, step.Message,
                task?.Status.ToString().ToLowerInvariant() ?? "unknown", task?.ApproversAtCurrentTier ?? [], task?.RequiredApprovals ?? 0, step.State.Status.ToWire());
        }
    }
}
