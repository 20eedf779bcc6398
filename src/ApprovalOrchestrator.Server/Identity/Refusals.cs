using ApprovalOrchestrator.Runtime.Identity;

namespace ApprovalOrchestrator.Server.Identity;

/// <summary>Writes a refusal (problem-details) and records it: who, which endpoint, why. Never the token.</summary>
public static class Refusals
{
    public static async Task WriteAsync(HttpContext context, SecurityEventLog log, int status, string title, string why, string? actor = null)
    {
        actor ??= context.User.FindFirst(Caller.UserClaim)?.Value ?? "anonymous";
        await log.RecordAsync(status, actor, context.Request.Method, context.Request.Path.Value ?? "/", why, context.Connection.RemoteIpAddress?.ToString());
        await Results.Problem(statusCode: status, title: title, detail: why).ExecuteAsync(context);
    }

    /// <summary>A 403 decided inside an endpoint (a rule, not a role): recorded like the others.</summary>
    public static async Task<IResult> ForbiddenAsync(HttpContext context, string why)
    {
        var log = context.RequestServices.GetRequiredService<SecurityEventLog>();
        await log.RecordAsync(StatusCodes.Status403Forbidden, context.User.FindFirst(Caller.UserClaim)?.Value ?? "anonymous", context.Request.Method, context.Request.Path.Value ?? "/", why, context.Connection.RemoteIpAddress?.ToString());
        return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: why);
    }

    /// <summary>A 403 about fields of the request (e.g. a <c>workflow</c> the caller may not choose): recorded, and the problem names the fields.</summary>
    public static async Task<IResult> ForbiddenAsync(HttpContext context, IReadOnlyList<Core.Intake.FieldError> errors)
    {
        var why = string.Join(" ", errors.Select(e => $"{e.Field} {e.Message}"));
        await ForbiddenAsync(context, why);
        var byField = errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());
        return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: why, extensions: new Dictionary<string, object?> { ["errors"] = byField });
    }
}
