using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ApprovalOrchestrator.Core.Audit.Log;

/// <summary>
/// The canonical bytes of each kind of log entry: compact UTF-8 JSON, fields in a fixed order, built from the values
/// exactly as stored (timestamps as their stored text), so the server can rebuild the bytes from its rows at any time.
/// A verifier never rebuilds them: it hashes the bytes it is given and reads the fields with any JSON parser. Content
/// that may be erased later (an event's data) is committed to by its hash, so erasing it leaves every proof valid.
/// </summary>
public static class LogEntries
{
    public const string RequestEvent = "request-event";
    public const string DefinitionEvent = "definition-event";
    public const string Delegation = "delegation";
    public const string DelegationRevocation = "delegation-revocation";
    public const string SecurityEvent = "security-event";
    public const string ExecutionHalt = "execution-halt";
    public const string ExecutionResume = "execution-resume";

    /// <param name="dataHash"><see cref="ContentHash"/> of the event's data (kept when the data is erased).</param>
    public static string ForRequestEvent(
        Guid instanceId, int seq, string kind, string actor, string at, string definitionId, int definitionVersion, string definitionHash,
        string dataHash, string prevHash, string chainHash) =>
        Write(RequestEvent, w =>
        {
            w.WriteString("requestId", instanceId.ToString("D"));
            w.WriteNumber("seq", seq);
            w.WriteString("kind", kind);
            w.WriteString("actor", actor);
            w.WriteString("at", at);
            w.WriteString("definitionId", definitionId);
            w.WriteNumber("definitionVersion", definitionVersion);
            w.WriteString("definitionHash", definitionHash);
            w.WriteString("dataHash", dataHash);
            w.WriteString("prevHash", prevHash);
            w.WriteString("chainHash", chainHash);
        });

    public static string ForDefinitionEvent(
        long seq, string kind, string? definitionId, int? version, string? draftId, string hash, string author, string? comment, string at, string data) =>
        Write(DefinitionEvent, w =>
        {
            w.WriteNumber("seq", seq);
            w.WriteString("kind", kind);
            WriteOptional(w, "definitionId", definitionId);
            if (version is int v)
            {
                w.WriteNumber("version", v);
            }

            WriteOptional(w, "draftId", draftId);
            w.WriteString("hash", hash);
            w.WriteString("author", author);
            WriteOptional(w, "comment", comment);
            w.WriteString("at", at);
            w.WriteString("dataHash", ContentHash(data));
        });

    public static string ForDelegation(string id, string delegator, string @delegate, string delegatorGroups, string startsAt, string endsAt, string createdBy, string createdAt) =>
        Write(Delegation, w =>
        {
            w.WriteString("id", id);
            w.WriteString("delegator", delegator);
            w.WriteString("delegate", @delegate);
            w.WriteString("delegatorGroups", delegatorGroups);
            w.WriteString("startsAt", startsAt);
            w.WriteString("endsAt", endsAt);
            w.WriteString("createdBy", createdBy);
            w.WriteString("createdAt", createdAt);
        });

    public static string ForDelegationRevocation(string delegationId, string revokedBy, string revokedAt, string? reason) =>
        Write(DelegationRevocation, w =>
        {
            w.WriteString("delegationId", delegationId);
            w.WriteString("revokedBy", revokedBy);
            w.WriteString("revokedAt", revokedAt);
            w.WriteString("reason", reason);
        });

    public static string ForSecurityEvent(long id, string at, int status, string actor, string method, string path, string reason, string? remoteIp) =>
        Write(SecurityEvent, w =>
        {
            w.WriteNumber("id", id);
            w.WriteString("at", at);
            w.WriteNumber("status", status);
            w.WriteString("actor", actor);
            w.WriteString("method", method);
            w.WriteString("path", path);
            w.WriteString("reason", reason);
            WriteOptional(w, "remoteIp", remoteIp);
        });

    /// <summary>A kill-switch halt (table <c>execution_halts</c>): who stopped what, why, when.</summary>
    public static string ForExecutionHalt(string id, string scope, string? target, string reason, string haltedBy, string haltedAt) =>
        Write(ExecutionHalt, w =>
        {
            w.WriteString("id", id);
            w.WriteString("scope", scope);
            WriteOptional(w, "target", target);
            w.WriteString("reason", reason);
            w.WriteString("haltedBy", haltedBy);
            w.WriteString("haltedAt", haltedAt);
        });

    /// <summary>The lifting of a halt (the same row's resume columns).</summary>
    public static string ForExecutionResume(string haltId, string scope, string? target, string reason, string resumedBy, string resumedAt) =>
        Write(ExecutionResume, w =>
        {
            w.WriteString("haltId", haltId);
            w.WriteString("scope", scope);
            WriteOptional(w, "target", target);
            w.WriteString("reason", reason);
            w.WriteString("resumedBy", resumedBy);
            w.WriteString("resumedAt", resumedAt);
        });

    /// <summary>"sha256:" + hex of the UTF-8 bytes: how entries commit to content they do not carry.</summary>
    public static string ContentHash(string content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

    public static byte[] LeafHash(string entry) => MerkleHash.Leaf(Encoding.UTF8.GetBytes(entry));

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static string Write(string type, Action<Utf8JsonWriter> fields)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("v", 1);
            w.WriteString("type", type);
            fields(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
