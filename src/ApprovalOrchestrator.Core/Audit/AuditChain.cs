using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ApprovalOrchestrator.Core.Audit;

/// <summary>
/// Hash chain over each instance's audit events: editing, removing or reordering any stored event breaks every
/// hash after it. Per instance (not global) so instances never contend on one chain head.
/// </summary>
public static class AuditChain
{
    public const string Genesis = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

    public static string ComputeHash(
        string previousHash, Guid instanceId, int sequence, string kind, string actor, DateTimeOffset at,
        string definitionId, int definitionVersion, string definitionHash, string dataJson)
    {
        // Unambiguous framing: every field on its own line, newlines inside fields cannot occur except in dataJson, which is last.
        var canonical = string.Join('\n',
            previousHash,
            instanceId.ToString("D"),
            sequence.ToString(CultureInfo.InvariantCulture),
            kind,
            actor,
            at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            definitionId,
            definitionVersion.ToString(CultureInfo.InvariantCulture),
            definitionHash,
            dataJson);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>Checks one instance's events, in sequence order. Returns the first broken sequence number, or null when intact.</summary>
    public static int? FindBreak(IReadOnlyList<AuditRecord> events)
    {
        var previous = Genesis;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            // An erased event's content is gone: its stored hash stands, its links are still checked (the signed log covers the rest).
            var expected = ErasedContent.HashOf(e.DataJson) is null
                ? ComputeHash(previous, e.InstanceId, e.Sequence, e.Kind, e.Actor, e.At, e.DefinitionId, e.DefinitionVersion, e.DefinitionHash, e.DataJson)
                : e.Hash;
            if (e.Sequence != i + 1 || e.PreviousHash != previous || e.Hash != expected)
            {
                return e.Sequence;
            }

            previous = e.Hash;
        }

        return null;
    }
}
