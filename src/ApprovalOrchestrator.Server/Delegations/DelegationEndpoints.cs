using ApprovalOrchestrator.Application.Delegation;
using ApprovalOrchestrator.Server.Hosting;
using ApprovalOrchestrator.Server.Identity;

namespace ApprovalOrchestrator.Server.Delegations;

/// <summary>
/// <c>/api/delegations</c>: "while I am away, this person acts for me", for a time window. Adapters over
/// Application/Delegation (grant, revoke) and the delegation list.
/// </summary>
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
    private static async Task<IResult> RevokeAsync(Guid id, string? reason, HttpContext http, RevokeDelegation revoke) =>
        await (await revoke.HandleAsync(Caller.From(http.User).AsActor(), id, reason)).ToHttpAsync(http, _ => Results.NoContent());

    private static async Task<IResult> CreateAsync(HttpRequest http, DelegateAuthority delegation)
    {
        var (body, problem) = await Problems.ReadJsonAsync<DelegationInput>(http, ApiJson.Strict);
        if (problem is not null)
        {
            return problem;
        }

        var granted = await delegation.HandleAsync(Caller.From(http.HttpContext.User).AsActor(), body!);
        return await granted.ToHttpAsync(http.HttpContext, grant => Results.Created($"/api/delegations/{grant.Id}", grant));
    }

    private static async Task<IResult> ListAsync(HttpContext http, IDelegations delegations) =>
        Results.Ok(await delegations.ListAsync(Caller.From(http.User).User));
}
