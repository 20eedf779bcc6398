using ApprovalOrchestrator.Core.Delegation;
using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Runtime.Approvals;
using ApprovalOrchestrator.Runtime.Identity;
using ApprovalOrchestrator.Server.Hosting;
using ApprovalOrchestrator.Server.Identity;

namespace ApprovalOrchestrator.Server.Delegations;

/// <summary><c>/api/delegations</c>: "while I am away, this person acts for me", for a time window.</summary>
public static class DelegationEndpoints
{
    public static void MapDelegations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/delegations").WithTags("Delegations").RequireAuthorization(Roles.Delegator);
        group.MapPost("/", CreateAsync);
        group.MapGet("/", ListAsync);
        group.MapDelete("/{id:guid}", RevokeAsync);
    }

    /// <summary><c>DELETE /api/delegations/{id}?reason=</c>: ends a grant now (the delegator, the delegate, its creator or an admin).</summary>
    private static async Task<IResult> RevokeAsync(Guid id, string? reason, HttpContext http, DelegationStore store, SecurityEventLog log)
    {
        if (reason is { Length: > 1000 })
        {
            return Problems.Validation([new("reason", "must be at most 1000 characters.")]);
        }

        var caller = Caller.From(http.User);
        var outcome = await store.RevokeAsync(id, caller.User, caller.Is(Roles.Admin), string.IsNullOrWhiteSpace(reason) ? null : reason.Trim());
        if (outcome == RevokeOutcome.Forbidden)
        {
            // Someone else's grant answers as a missing one (whether it exists is not theirs to learn), and is recorded.
            log.Record(StatusCodes.Status403Forbidden, caller.User, http.Request.Method, http.Request.Path.Value ?? "", $"delegation {id} is not theirs to revoke", http.Connection.RemoteIpAddress?.ToString());
        }

        return outcome switch
        {
            RevokeOutcome.Revoked => Results.NoContent(),
            RevokeOutcome.NotFound or RevokeOutcome.Forbidden => Problems.Status(StatusCodes.Status404NotFound, "Not found", $"No delegation {id}."),
            _ => Problems.Status(StatusCodes.Status409Conflict, "Already ended", $"Delegation {id} has already ended or been revoked."),
        };
    }

    private static async Task<IResult> CreateAsync(HttpRequest http, DelegationStore store)
    {
        var (body, problem) = await Problems.ReadJsonAsync<DelegationBody>(http, ApiJson.Strict);
        if (problem is not null)
        {
            return problem;
        }

        var caller = Caller.From(http.HttpContext.User);
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(body!.To))
        {
            errors.Add(new("to", "is required."));
        }

        if (body.StartsAt is null)
        {
            errors.Add(new("startsAt", "is required."));
        }

        if (body.EndsAt is null || body.StartsAt is not null && body.EndsAt <= body.StartsAt)
        {
            errors.Add(new("endsAt", "is required and must be after startsAt."));
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var from = string.IsNullOrWhiteSpace(body.From) ? caller.User : body.From.Trim();
        IReadOnlyList<string> groups;
        if (from == caller.User)
        {
            groups = caller.Groups;
        }
        else if (caller.Is(Roles.Admin))
        {
            // The server knows a person's groups only from their token: an admin delegating for someone names them.
            groups = body.Groups ?? [];
        }
        else
        {
            return await Refusals.ForbiddenAsync(http.HttpContext, "only an admin may delegate on someone else's behalf");
        }

        var grant = new DelegationGrant(Guid.NewGuid(), from, body.To!.Trim(), groups, body.StartsAt!.Value, body.EndsAt!.Value);
        if (await store.CreateAsync(grant, caller.User) is { } cycle)
        {
            return Results.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Delegation cycle",
                detail: $"This delegation would close a cycle: {string.Join(" → ", cycle)}.",
                extensions: new Dictionary<string, object?> { ["cycle"] = cycle });
        }

        return Results.Created($"/api/delegations/{grant.Id}", grant);
    }

    private static async Task<IResult> ListAsync(HttpContext http, DelegationStore store) =>
        Results.Ok(await store.ListAsync(Caller.From(http.User).User));

    /// <summary><see cref="From"/> defaults to the caller; someone else only for admins, who then name that person's <see cref="Groups"/>.</summary>
    public sealed record DelegationBody(string? To, string? From, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, IReadOnlyList<string>? Groups);
}
