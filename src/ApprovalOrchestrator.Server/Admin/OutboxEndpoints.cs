using ApprovalOrchestrator.Runtime.Messaging;
using ApprovalOrchestrator.Server.Hosting;
using ApprovalOrchestrator.Server.Identity;

namespace ApprovalOrchestrator.Server.Admin;

/// <summary>
/// <c>/api/admin/outbox/poison</c> (admin): outbox rows set aside because they could not be published, with the reason;
/// put one back in line (<c>POST …/{seq}/retry</c>) once the cause is fixed, or discard it (<c>DELETE …/{seq}</c>).
/// </summary>
public static class OutboxEndpoints
{
    public static void MapOutboxAdmin(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/outbox/poison").WithTags("Admin").RequireAuthorization(Roles.Admin);
        group.MapGet("/", ListAsync);
        group.MapPost("/{seq:long}/retry", RetryAsync);
        group.MapDelete("/{seq:long}", DiscardAsync);
    }

    private static async Task<IResult> ListAsync(int? offset, int? limit, OutboxPoison poison)
    {
        var errors = Paging.Validate(offset, limit).ToList();
        return errors.Count > 0 ? Problems.Validation(errors) : Results.Ok(await poison.ListAsync(offset ?? 0, limit ?? Paging.DefaultLimit));
    }

    private static async Task<IResult> RetryAsync(long seq, OutboxPoison poison) =>
        await poison.RetryAsync(seq) ? Results.Accepted() : Problems.Status(StatusCodes.Status404NotFound, "Not found", $"No poisoned outbox row {seq}.");

    private static async Task<IResult> DiscardAsync(long seq, OutboxPoison poison) =>
        await poison.DiscardAsync(seq) ? Results.NoContent() : Problems.Status(StatusCodes.Status404NotFound, "Not found", $"No poisoned outbox row {seq}.");
}
