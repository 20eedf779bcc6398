using System.Globalization;
using System.Text.Json;
using ApprovalOrchestrator.Runtime.Requests;

namespace ApprovalOrchestrator.Server.Audit;

/// <summary>
/// The auditor's spreadsheet (<c>format=sheet</c>): one row per event with the request's context in plain columns
/// instead of one JSON cell. Cells are formula-safe and quoted like <see cref="AuditCsv"/>.
/// </summary>
public static class AuditSheet
{
    public const string Header = "time,request,requester,agent,tool,kind,actor,on_behalf_of,risk,decision,comment,status,definition_version";

    /// <summary>
    /// One row. Risk and decision come from the event when it carries them (classified, decision), else the request's;
    /// status is the request's status at export time.
    /// </summary>
    public static string Row(AuditView e, RequestView? request) => string.Join(',',
        AuditCsv.Cell(e.At.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)),
        AuditCsv.Cell(e.RequestId.ToString()),
        AuditCsv.Cell(request?.Requester ?? string.Empty),
        AuditCsv.Cell(request?.AgentId ?? string.Empty),
        AuditCsv.Cell(request?.Tool is { } tool ? (tool.Action is { Length: > 0 } action ? $"{tool.Name}.{action}" : tool.Name) : string.Empty),
        AuditCsv.Cell(e.Kind),
        AuditCsv.Cell(e.Actor),
        AuditCsv.Cell(Text(e.Data, "delegator") ?? string.Empty),
        AuditCsv.Cell(Text(e.Data, "risk") ?? request?.Risk ?? string.Empty),
        AuditCsv.Cell(Text(e.Data, "verdict") ?? string.Empty),
        AuditCsv.Cell(Text(e.Data, "comment") ?? Text(e.Data, "reason") ?? string.Empty),
        AuditCsv.Cell(request?.Status ?? string.Empty),
        AuditCsv.Cell(e.DefinitionVersion.ToString(CultureInfo.InvariantCulture)));

    private static string? Text(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
