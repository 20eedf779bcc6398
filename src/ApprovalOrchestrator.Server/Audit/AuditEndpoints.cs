using System.Text.Json;
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
    }

    private static async Task<IResult> ExportAsync(string? format, Guid? requestId, HttpContext http, RequestQueries queries)
    {
        format ??= "jsonl";
        if (format is not ("jsonl" or "csv"))
        {
            return Problems.Validation([new FieldError("format", "must be jsonl or csv.")]);
        }

        var response = http.Response;
        response.ContentType = format == "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"audit{(requestId is null ? string.Empty : "-" + requestId)}.{format}\"";
        await using var writer = new StreamWriter(response.Body, leaveOpen: true);
        if (format == "csv")
        {
            await writer.WriteLineAsync(AuditCsv.Header);
        }

        await foreach (var e in queries.AuditStreamAsync(requestId))
        {
            await writer.WriteLineAsync(format == "csv" ? AuditCsv.Row(e) : JsonSerializer.Serialize(e, Json.Options));
        }

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
