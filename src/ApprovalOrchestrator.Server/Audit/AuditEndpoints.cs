using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Runtime.Requests;
using ApprovalOrchestrator.Runtime.Storage;
using ApprovalOrchestrator.Runtime.Identity;
using ApprovalOrchestrator.Server.Hosting;
using ApprovalOrchestrator.Server.Identity;

namespace ApprovalOrchestrator.Server.Audit;

/// <summary><c>/api/audit</c>: the hash-chained trail, exported as JSONL or CSV, and its verification.</summary>
public static class AuditEndpoints
{
    public static void MapAudit(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/audit").WithTags("Audit").RequireAuthorization(Roles.AuditReader);
        group.MapGet("/", ExportAsync);
        group.MapGet("/verify", VerifyAsync);
        group.MapGet("/security", SecurityAsync);
        app.MapAuditLog();
        app.MapRetention();
    }

    /// <summary>The trail of one request, or of every request matching the filter (status, risk, requester, agent, from, to).</summary>
    private static async Task<IResult> ExportAsync(
        string? format, Guid? requestId, string? status, string? risk, string? requester, string? agent, DateTimeOffset? from, DateTimeOffset? to,
        HttpContext http, RequestQueries queries)
    {
        format ??= "jsonl";
        if (!AuditExport.IsFormat(format))
        {
            return Problems.Validation([new FieldError("format", "must be jsonl, csv or sheet.")]);
        }

        var filter = new RequestFilter(status, risk, requester, agent, from, to);
        var events = requestId is not null || filter.IsEmpty ? queries.AuditStreamAsync(requestId) : queries.AuditStreamAsync(filter);
        await AuditExport.WriteAsync(http.Response, format, requestId is null ? "audit" : $"audit-{requestId}", events, queries);
        return Results.Empty;
    }

    /// <summary>Refused calls (401/403), newest first.</summary>
    private static async Task<IResult> SecurityAsync(int? offset, int? limit, SecurityEventLog log)
    {
        var errors = Paging.Validate(offset, limit).ToList();
        return errors.Count > 0 ? Problems.Validation(errors) : Results.Ok(await log.ListAsync(offset ?? 0, limit ?? Paging.DefaultLimit));
    }

    private static async Task<IResult> VerifyAsync(RequestQueries queries)
    {
        var (instances, events, broken) = await queries.VerifyAuditAsync();
        return Results.Ok(new
        {
            intact = broken.Count == 0,
            instances,
            events,
            broken = broken.Select(b => new { requestId = b.RequestId, firstBadSeq = b.Seq }),
        });
    }
}
