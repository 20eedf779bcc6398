using System.Text.Json;
using ApprovalOrchestrator.Runtime.Requests;
using ApprovalOrchestrator.Runtime.Storage;

namespace ApprovalOrchestrator.Server.Audit;

/// <summary>Streams audit events as JSONL, CSV (raw columns) or a flat sheet (one writer for the API export and the console's).</summary>
public static class AuditExport
{
    public static bool IsFormat(string? format) => format is "jsonl" or "csv" or "sheet";

    public static async Task WriteAsync(HttpResponse response, string format, string fileName, IAsyncEnumerable<AuditView> events, RequestQueries queries)
    {
        var csv = format is "csv" or "sheet";
        response.ContentType = csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}{(format == "sheet" ? "-sheet.csv" : "." + format)}\"";
        await using var writer = new StreamWriter(response.Body, leaveOpen: true);
        if (csv)
        {
            await writer.WriteLineAsync(format == "sheet" ? AuditSheet.Header : AuditCsv.Header);
        }

        // The sheet's request columns: one lookup per request, events of a request usually come together.
        var requests = new Dictionary<Guid, RequestView?>();
        await foreach (var e in events)
        {
            if (format == "sheet" && !requests.ContainsKey(e.RequestId))
            {
                requests[e.RequestId] = await queries.GetAsync(e.RequestId);
            }

            await writer.WriteLineAsync(format switch
            {
                "csv" => AuditCsv.Row(e),
                "sheet" => AuditSheet.Row(e, requests[e.RequestId]),
                _ => JsonSerializer.Serialize(e, Json.Options),
            });
        }
    }
}
