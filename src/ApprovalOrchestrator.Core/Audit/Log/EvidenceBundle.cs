using System.Text.Json;
using System.Text.Json.Serialization;

namespace ApprovalOrchestrator.Core.Audit.Log;

/// <summary>
/// Everything an auditor needs to check a request's (or a filter's) history offline with only the log's public key:
/// the signed checkpoint, each event's canonical entry (the exact bytes of its leaf), its content, and its inclusion
/// proof against that checkpoint. Optionally a consistency proof from an older tree size the auditor already holds.
/// Documented in docs/audit.md so an independent verifier can be written from the text.
/// </summary>
public sealed record EvidenceBundle(
    string Format,
    EvidenceSubject Subject,
    string Checkpoint,
    IReadOnlyList<EvidenceEvent> Events,
    EvidenceConsistency? Consistency = null)
{
    public const string CurrentFormat = "ao-evidence/v1";

    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static EvidenceBundle Parse(string json) =>
        JsonSerializer.Deserialize<EvidenceBundle>(json, JsonOptions) ?? throw new JsonException("The bundle is empty.");
}

/// <summary>What the bundle is about: one request, or everything an agent or requester did in a time range.</summary>
public sealed record EvidenceSubject(Guid? RequestId = null, string? Agent = null, string? Requester = null, DateTimeOffset? From = null, DateTimeOffset? To = null);

/// <summary>
/// One leaf. <see cref="Entry"/> is the canonical entry text (its UTF-8 bytes are the leaf); <see cref="Data"/> the
/// event's content, which hashes to the entry's dataHash. <see cref="Missing"/> says why the server could not give an
/// entry the log has a leaf for (its row is gone); <see cref="Erased"/> why <see cref="Data"/> is absent while the entry
/// (and its dataHash) is present.
/// </summary>
public sealed record EvidenceEvent(long LeafIndex, string? Entry, string? Data, IReadOnlyList<string> InclusionProof, string? Missing = null, string? Erased = null);

/// <summary>RFC 9162 consistency proof from the tree of <see cref="FromSize"/> leaves to the bundle's checkpoint.</summary>
public sealed record EvidenceConsistency(long FromSize, IReadOnlyList<string> Proof);
