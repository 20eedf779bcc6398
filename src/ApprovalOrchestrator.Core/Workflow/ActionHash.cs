using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ApprovalOrchestrator.Core.Workflow;

/// <summary>
/// The hash of exactly what an approver is asked to allow: agent, text, tool (name, action, args) and the definition
/// version's hash. A decision naming another hash was made on something else and is refused. It is computed over the
/// action as sent (<see cref="SentAction"/>: after the guardrails' redaction), the one value that both the approver's
/// view and the Gateway call are built from.
/// </summary>
public static class ActionHash
{
    public static string Compute(AgentRequest request, string definitionHash)
    {
        // Length-prefixed fields: no field boundary can be shifted to make two actions collide.
        var builder = new StringBuilder();
        foreach (var field in new[]
                 {
                     request.AgentId, request.Text, request.Tool?.Name, request.Tool?.Action,
                     request.Tool?.Args is { } args ? JsonSerializer.Serialize(args) : null, definitionHash,
                 })
        {
            builder.Append(field is null ? "-1" : field.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(':').Append(field).Append('\n');
        }

        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())));
    }
}
