using System.Globalization;
using System.Text;
using ApprovalOrchestrator.Runtime.Requests;

namespace ApprovalOrchestrator.Server.Audit;

/// <summary>
/// CSV for spreadsheets: RFC 4180 quoting, and any cell that a spreadsheet would read as a formula
/// (starting with = + - @, tab or carriage return) is prefixed with an apostrophe.
/// </summary>
public static class AuditCsv
{
    public const string Header = "request_id,seq,kind,actor,at,definition_id,definition_version,definition_hash,data,prev_hash,hash";

    public static string Row(AuditView e) => string.Join(',',
        Cell(e.RequestId.ToString()),
        Cell(e.Seq.ToString(CultureInfo.InvariantCulture)),
        Cell(e.Kind),
        Cell(e.Actor),
        Cell(e.At.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)),
        Cell(e.DefinitionId),
        Cell(e.DefinitionVersion.ToString(CultureInfo.InvariantCulture)),
        Cell(e.DefinitionHash),
        Cell(e.Data.GetRawText()),
        Cell(e.PrevHash),
        Cell(e.Hash));

    public static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            return value;
        }

        var quoted = new StringBuilder(value.Length + 2).Append('"');
        quoted.Append(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        return quoted.Append('"').ToString();
    }
}
