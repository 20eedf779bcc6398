using ApprovalOrchestrator.Runtime.Notifications;
using ApprovalOrchestrator.Server.Hosting;
using ApprovalOrchestrator.Server.Identity;

namespace ApprovalOrchestrator.Server.Notifications;

/// <summary>
/// <c>/api/admin/notifications/dead-letters</c> (admin): deliveries given up on, with the last reason; put one back in
/// line (<c>POST …/{seq}/retry</c>) once the receiver is fixed.
/// </summary>
public static class NotificationEndpoints
{
    public static void MapNotificationsAdmin(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/notifications/dead-letters").WithTags("Admin").RequireAuthorization(Roles.Admin);
        group.MapGet("/", ListAsync);
        group.MapPost("/{seq:long}/retry", RetryAsync);
    }

    private static async Task<IResult> ListAsync(int? offset, int? limit, NotificationDeadLetters dead)
    {
        var errors = Paging.Validate(offset, limit).ToList();
        return errors.Count > 0 ? Problems.Validation(errors) : Results.Ok(await dead.ListAsync(offset ?? 0, limit ?? Paging.DefaultLimit));
    }

    private static async Task<IResult> RetryAsync(long seq, NotificationDeadLetters dead) =>
        await dead.RetryAsync(seq) ? Results.Accepted() : Problems.Status(StatusCodes.Status404NotFound, "Not found", $"No dead-lettered notification {seq}.");
}
