using ApprovalOrchestrator.Application;
using ApprovalOrchestrator.Runtime.Identity;
using ApprovalOrchestrator.Server.Identity;

namespace ApprovalOrchestrator.Server.Hosting;

/// <summary>A use case's refusal as HTTP problem details, in one place for every endpoint (403s and security notes recorded).</summary>
public static class UseCaseResults
{
    public static async Task<IResult> ToHttpAsync<T>(this Result<T> result, HttpContext http, Func<T, IResult> ok)
        where T : notnull =>
        result.Refusal is { } refusal ? await RefusedAsync(http, refusal) : ok(result.Value!);

    public static async Task<IResult> RefusedAsync(HttpContext http, Refusal refusal)
    {
        switch (refusal.Kind)
        {
            case RefusalKind.Invalid:
                return Problems.Validation(refusal.Errors);
            case RefusalKind.Forbidden:
                return refusal.Errors.Count > 0 ? await Refusals.ForbiddenAsync(http, refusal.Errors) : await Refusals.ForbiddenAsync(http, refusal.Detail);
        }

        if (refusal.SecurityNote is { } note)
        {
            // Answered as something else (e.g. someone else's delegation reads as missing), still recorded as the 403 it is.
            var log = http.RequestServices.GetRequiredService<SecurityEventLog>();
            await log.RecordAsync(StatusCodes.Status403Forbidden, Caller.From(http.User).User, http.Request.Method, http.Request.Path.Value ?? "/", note, http.Connection.RemoteIpAddress?.ToString());
        }

        var status = refusal.Kind switch
        {
            RefusalKind.NotFound => StatusCodes.Status404NotFound,
            RefusalKind.StaleAction => StatusCodes.Status412PreconditionFailed,
            _ => StatusCodes.Status409Conflict,
        };
        return Results.Problem(statusCode: status, title: refusal.Title, detail: refusal.Detail, extensions: refusal.Extensions?.ToDictionary(kv => kv.Key, kv => kv.Value));
    }
}
