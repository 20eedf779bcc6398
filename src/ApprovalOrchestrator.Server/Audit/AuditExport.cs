using System.Text.Json;
using ApprovalOrchestrator.Runtime.Requests;
using ApprovalOrchestrator.Runtime.Storage;

namespace ApprovalOrchestrator.Server.Audit;

/// <summary>Streams audit events as JSONL or CSV (one writer for the API export and the console's).</summary>
public static class AuditExport
{
    public static bool IsFormat(string? format) => format is "jsonl" or "csv";

    public static async Task WriteAsync(HttpResponse response, string format, string fileName, IAsyncEnumerable<AuditView> events)
    {
        response.ContentType = format == "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}.{format}\"";
        await using var writer = new StreamWriter(response.Body, leaveOpen: true);
        if (format == "csv")
        {
            await writer.WriteLineAsync(AuditCsv.Header);
        }

        await foreach (var e in events)
        {
            await writer.WriteLineAsync(format == "csv" ? AuditCsv.Row(e) : JsonSerializer.Serialize(e, Json.Options));
        }
    }
}
