using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Engine;
using ApprovalOrchestrator.Runtime.Requests;
using ApprovalOrchestrator.Server.Hosting;
using ApprovalOrchestrator.Server.Identity;

namespace ApprovalOrchestrator.Server.Tasks;

/// <summary><c>/api/tasks</c>: the approval queue and decisions on it.</summary>
public static class TaskEndpoints
{
    public static void MapTasks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tasks").WithTags("Tasks");
        group.MapGet("/", ListAsync);
        group.MapPost("/{id:guid}/decision", DecideAsync);
    }

    private static async Task<IResult> ListAsync(string? status, string? group, int? offset, int? limit, RequestQueries queries)
    {
        var errors = new List<FieldError>();
        if (status is not null && status is not ("open" or "approved" or "rejected" or "expired"))
        {
            errors.Add(new("status", "must be open, approved, rejected or expired."));
        }

        errors.AddRange(Paging.Validate(offset, limit));
        return errors.Count > 0
            ? Problems.Validation(errors)
            : Results.Ok(await queries.TasksAsync(status, group, offset ?? 0, limit ?? Paging.DefaultLimit));
    }

    private static async Task<IResult> DecideAsync(Guid id, HttpRequest http, WorkflowEngine engine, RequestQueries queries)
    {
        if (HeaderIdentity.From(http) is not { } identity)
        {
            return Problems.Status(StatusCodes.Status401Unauthorized, "Who is deciding?", $"Send the approver in the {HeaderIdentity.UserHeader} header and their groups in {HeaderIdentity.GroupsHeader}.");
        }

        var (body, problem) = await Problems.ReadJsonAsync<DecisionBody>(http, ApiJson.Strict);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new List<FieldError>();
        var verdict = body!.Decision switch
        {
            "approve" => Verdict.Approve,
            "reject" => Verdict.Reject,
            _ => (Verdict?)null,
        };
        if (verdict is null)
        {
            errors.Add(new("decision", "must be 'approve' or 'reject'."));
        }

        if (body.DecisionId is { Length: 0 or > RequestValidator.MaxIdLength })
        {
            errors.Add(new("decisionId", $"must be 1-{RequestValidator.MaxIdLength} characters."));
        }

        if (body.Comment is { Length: > 4000 })
        {
            errors.Add(new("comment", "must be at most 4000 characters."));
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        if (await queries.FindTaskInstanceAsync(id) is not { } instanceId)
        {
            return Problems.Status(StatusCodes.Status404NotFound, "Not found", $"No task {id}.");
        }

        var decisionId = body.DecisionId ?? Guid.NewGuid().ToString("N");
        var step = await engine.ApplyAsync(
            instanceId,
            (_, _) => new DecisionSubmitted(id, decisionId, identity.User, identity.Groups, verdict!.Value, body.Comment, Authenticated: false),
            cancellationToken: http.HttpContext.RequestAborted);
        if (step is null)
        {
            return Problems.Status(StatusCodes.Status404NotFound, "Not found", $"No task {id}.");
        }

        var task = step.State.FindTask(id);
        return step.Outcome switch
        {
            StepOutcome.Refused => step.Refusal switch
            {
                RefusalReason.NotFound => Problems.Status(StatusCodes.Status404NotFound, "Not found", step.Message!),
                RefusalReason.Closed => Problems.Status(StatusCodes.Status409Conflict, "The task is closed", step.Message!),
                _ => Problems.Status(StatusCodes.Status403Forbidden, "Not allowed to decide", step.Message!),
            },
            _ => Results.Ok(new DecisionResponse(
                id,
                instanceId,
                decisionId,
                step.Outcome == StepOutcome.Applied,
                step.Message,
                task?.Status.ToString().ToLowerInvariant() ?? "unknown",
                task?.ApproversAtCurrentTier ?? [],
                task?.RequiredApprovals ?? 0,
                step.State.Status.ToWire())),
        };
    }

    /// <summary>The decision body. Send a <see cref="DecisionId"/> to make retries safe.</summary>
    public sealed record DecisionBody(string? Decision, string? Comment, string? DecisionId);

    /// <summary><see cref="Recorded"/> is false for a duplicate (same decisionId, or the same approver again): nothing changed.</summary>
    public sealed record DecisionResponse(
        Guid TaskId, Guid RequestId, string DecisionId, bool Recorded, string? Note, string TaskStatus,
        IReadOnlyList<string> Approvals, int Required, string RequestStatus);
}
