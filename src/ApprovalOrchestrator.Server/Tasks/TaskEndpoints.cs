using ApprovalOrchestrator.Application.Approvals;
using ApprovalOrchestrator.Application.Identity;
using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Requests;
using ApprovalOrchestrator.Server.Hosting;
using ApprovalOrchestrator.Server.Identity;

namespace ApprovalOrchestrator.Server.Tasks;

/// <summary>
/// <c>/api/tasks</c>: the approver's inbox, claims, decisions, reassignment and bulk approval. Adapters only: each maps
/// the request to a use case (Application/Approvals) and its result to HTTP.
/// </summary>
public static class TaskEndpoints
{
    public static readonly string[] Statuses = ["open", "approved", "rejected", "expired", "withdrawn"];

    public static void MapTasks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tasks").WithTags("Tasks");
        group.MapGet("/", InboxAsync).RequireAuthorization(Roles.Approver);
        group.MapGet("/{id:guid}", GetAsync).RequireAuthorization(Roles.Reader);
        group.MapPost("/{id:guid}/claim", ClaimAsync).RequireAuthorization(Roles.Approver);
        group.MapDelete("/{id:guid}/claim", ReleaseAsync).RequireAuthorization(Roles.Approver);
        group.MapPost("/{id:guid}/decision", DecideAsync).RequireAuthorization(Roles.Approver);
        group.MapPost("/{id:guid}/reassign", ReassignAsync).RequireAuthorization(Roles.Admin);
        group.MapPost("/bulk-approve", BulkApproveAsync).RequireAuthorization(Roles.Approver);
    }

    private static async Task<IResult> InboxAsync(string? status, string? risk, string? group, int? offset, int? limit, string? cursor, HttpContext http, RequestQueries queries, TaskVisibility visibility)
    {
        var errors = new List<FieldError>();
        status ??= "open";
        if (!Statuses.Contains(status))
        {
            errors.Add(new("status", "must be open, approved, rejected, expired or withdrawn."));
        }

        if (risk is not null && risk is not ("amber" or "red"))
        {
            errors.Add(new("risk", "must be amber or red."));
        }

        var page = Paging.Page(offset, limit, cursor, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var inbox = InboxQueryFor(await visibility.InboxAsync(Caller.From(http.User).AsActor()), status, risk, group);
        return Results.Ok(await queries.InboxAsync(inbox, page));
    }

    /// <summary>The read-side query for an inbox scope (what <see cref="TaskVisibility"/> decides the approver may see).</summary>
    internal static InboxQuery InboxQueryFor(InboxScope scope, string status, string? risk, string? group) =>
        new(scope.User, scope.Groups, scope.Delegators, status, risk, group, scope.TiedRequesters);

    /// <summary>One task: for auditors and admins, and for approvers who may act on it; others learn nothing about it.</summary>
    private static async Task<IResult> GetAsync(Guid id, HttpContext http, RequestQueries queries, TaskVisibility visibility)
    {
        if (await queries.GetTaskAsync(id) is not { } found)
        {
            return Problems.Status(StatusCodes.Status404NotFound, "Not found", $"No task {id}.");
        }

        var caller = Caller.From(http.User);
        return await visibility.MayReadAsync(caller.AsActor(), found.Instance, id) ? Results.Ok(found.View) : await Refusals.ForbiddenAsync(http, $"task {id} is not for {caller.User}");
    }

    private static async Task<IResult> ClaimAsync(Guid id, HttpContext http, ClaimTask claim) =>
        await (await claim.HandleAsync(Caller.From(http.User).AsActor(), id, http.RequestAborted))
            .ToHttpAsync(http, c => Results.Ok(new ClaimResponse(c.TaskId, c.Claim)));

    private static async Task<IResult> ReleaseAsync(Guid id, HttpContext http, ReleaseClaim release) =>
        await (await release.HandleAsync(Caller.From(http.User).AsActor(), id, http.RequestAborted))
            .ToHttpAsync(http, _ => Results.NoContent());

    private static async Task<IResult> DecideAsync(Guid id, HttpRequest http, DecideTask decide)
    {
        var (body, problem) = await Problems.ReadJsonAsync<DecisionBody>(http, ApiJson.Strict);
        if (problem is not null)
        {
            return problem;
        }

        var input = new DecisionInput(id, body!.Decision, body.Comment, body.DecisionId, body.ActionHash);
        var decided = await decide.HandleAsync(Caller.From(http.HttpContext.User).AsActor(), input, cancellationToken: http.HttpContext.RequestAborted);
        return await decided.ToHttpAsync(http.HttpContext, d => Results.Ok(DecisionResponse.From(d)));
    }

    private static async Task<IResult> ReassignAsync(Guid id, HttpRequest http, ReassignTask reassign)
    {
        var (body, problem) = await Problems.ReadJsonAsync<ReassignBody>(http, ApiJson.Strict);
        if (problem is not null)
        {
            return problem;
        }

        var reassigned = await reassign.HandleAsync(Caller.From(http.HttpContext.User).AsActor(), new ReassignInput(id, body!.Group, body.User, body.Comment), http.HttpContext.RequestAborted);
        return await reassigned.ToHttpAsync(http.HttpContext, r => Results.Ok(new { taskId = r.TaskId, group = r.Group, assignedTo = r.AssignedTo }));
    }

    private static async Task<IResult> BulkApproveAsync(HttpRequest http, BulkApprove bulk)
    {
        var (body, problem) = await Problems.ReadJsonAsync<BulkApproveInput>(http, ApiJson.Strict);
        if (problem is not null)
        {
            return problem;
        }

        var approved = await bulk.HandleAsync(Caller.From(http.HttpContext.User).AsActor(), body!, http.HttpContext.RequestAborted);
        foreach (var note in approved.Value?.SecurityNotes ?? [])
        {
            await Refusals.ForbiddenAsync(http.HttpContext, note); // recorded; the answer stays the per-task report
        }

        return await approved.ToHttpAsync(http.HttpContext, a => Results.Ok(new { results = a.Results, approved = a.Approved }));
    }

    /// <summary>The decision body. <see cref="ActionHash"/> is the task's, as reviewed; send a <see cref="DecisionId"/> to make retries safe.</summary>
    public sealed record DecisionBody(string? Decision, string? Comment, string? DecisionId, string? ActionHash);

    public sealed record ReassignBody(string? Group, string? User, string? Comment);

    public sealed record ClaimResponse(Guid TaskId, TaskClaim Claim);

    /// <summary>
    /// <see cref="Recorded"/> is false for a duplicate (same decisionId, or the same approver again): nothing changed.
    /// <see cref="InstanceId"/> goes out as <c>requestId</c>, the name the API has always used for the orchestrator's id.
    /// </summary>
    public sealed record DecisionResponse(
        Guid TaskId,
        [property: System.Text.Json.Serialization.JsonPropertyName("requestId")] Guid InstanceId,
        string DecisionId, bool Recorded, string? Note, string TaskStatus,
        IReadOnlyList<string> Approvals, int Required, string RequestStatus)
    {
        public static DecisionResponse From(DecisionTaken decision)
        {
            var step = decision.Step ?? throw new InvalidOperationException("An HTTP decision always runs its step (no bus delivery to dedup).");
            var task = step.State.FindTask(decision.TaskId);
            return new DecisionResponse(
                decision.TaskId, decision.Instance.Value, decision.DecisionId, decision.Recorded, step.Message,
                task?.Status.ToString().ToLowerInvariant() ?? "unknown", task?.ApproversAtCurrentTier ?? [], task?.RequiredApprovals ?? 0, step.State.Status.ToWire());
        }
    }
}
