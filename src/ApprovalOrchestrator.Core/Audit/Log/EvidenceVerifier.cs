using System.Text.Json;

namespace ApprovalOrchestrator.Core.Audit.Log;

/// <summary>
/// Verifies an <see cref="EvidenceBundle"/> offline, in a fixed order, and stops at the first failure, which it names:
/// the checkpoint's signature and key, then each event's content hash and inclusion proof, then each request's
/// sequence and chain (no gap, no reorder), then, given an older bundle the auditor kept, that the log still extends
/// it and still holds every event it showed.
/// </summary>
public static class EvidenceVerifier
{
    public static EvidenceResult Verify(EvidenceBundle bundle, IReadOnlyList<NoteVerifier> trusted, EvidenceBundle? previous = null)
    {
        if (bundle.Format != EvidenceBundle.CurrentFormat)
        {
            return EvidenceResult.Fail($"unknown bundle format '{bundle.Format}' (expected {EvidenceBundle.CurrentFormat})");
        }

        var (checkpoint, signedBy, error) = Log.Checkpoint.Open(bundle.Checkpoint, trusted);
        if (checkpoint is null)
        {
            return EvidenceResult.Fail($"checkpoint: {error}");
        }

        var events = new List<(EvidenceEvent Event, JsonElement Entry)>();
        foreach (var e in bundle.Events)
        {
            var what = $"event at leaf {e.LeafIndex}";
            if (e.Entry is null)
            {
                return EvidenceResult.Fail($"missing event: the log has leaf {e.LeafIndex} for this subject but its event is gone ({e.Missing ?? "no entry given"})");
            }

            JsonElement entry;
            try
            {
                entry = JsonDocument.Parse(e.Entry).RootElement.Clone();
            }
            catch (JsonException)
            {
                return EvidenceResult.Fail($"{what}: event bytes altered (the entry is not JSON)");
            }

            what = Describe(e.LeafIndex, entry);
            if (e.LeafIndex >= checkpoint.Size)
            {
                return EvidenceResult.Fail($"{what}: not covered by the checkpoint (tree size {checkpoint.Size})");
            }

            byte[][] proof;
            try
            {
                proof = e.InclusionProof.Select(Convert.FromBase64String).ToArray();
            }
            catch (FormatException)
            {
                return EvidenceResult.Fail($"{what}: inclusion proof is not base64");
            }

            if (!MerkleVerifier.VerifyInclusion(e.LeafIndex, checkpoint.Size, LogEntries.LeafHash(e.Entry), proof, checkpoint.Root))
            {
                return EvidenceResult.Fail($"{what}: inclusion proof failure: its bytes do not hash to leaf {e.LeafIndex} of the signed tree (root mismatch): event bytes altered, moved or the proof is wrong");
            }

            if (e.Data is not null && String(entry, "dataHash") is { } dataHash && LogEntries.ContentHash(e.Data) != dataHash)
            {
                return EvidenceResult.Fail($"{what}: event content altered: its data hashes to {LogEntries.ContentHash(e.Data)}, the signed entry says {dataHash}");
            }

            events.Add((e, entry));
        }

        if (CheckRequests(bundle.Subject, events) is { } broken)
        {
            return EvidenceResult.Fail(broken);
        }

        if (previous is not null && CheckAgainstPrevious(bundle, checkpoint, previous, trusted) is { } regressed)
        {
            return EvidenceResult.Fail(regressed);
        }

        return new EvidenceResult(null, checkpoint, signedBy, events.Count);
    }

    private static string? CheckRequests(EvidenceSubject subject, List<(EvidenceEvent Event, JsonElement Entry)> events)
    {
        var requestEvents = events.Where(e => String(e.Entry, "type") == LogEntries.RequestEvent).ToList();
        if (subject.RequestId is { } requestId)
        {
            if (requestEvents.Count == 0)
            {
                return $"the bundle for request {requestId} has no events";
            }

            if (requestEvents.FirstOrDefault(e => String(e.Entry, "requestId") != requestId.ToString("D")) is { Event: not null } stray)
            {
                return $"{Describe(stray.Event.LeafIndex, stray.Entry)} belongs to another request than {requestId}";
            }
        }

        foreach (var request in requestEvents.GroupBy(e => String(e.Entry, "requestId")))
        {
            var ordered = request.OrderBy(e => e.Event.LeafIndex).ToList();
            var previousHash = AuditChain.Genesis;
            for (var i = 0; i < ordered.Count; i++)
            {
                var seq = ordered[i].Entry.TryGetProperty("seq", out var s) && s.TryGetInt32(out var n) ? n : -1;
                if (seq != i + 1)
                {
                    var have = string.Join(", ", ordered.Select(o => o.Entry.GetProperty("seq").ToString()));
                    return ordered.Any(o => o.Entry.GetProperty("seq").ToString() == (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))
                        ? $"request {request.Key}: events out of order: in log order the seqs are {have}"
                        : $"request {request.Key}: sequence gap: seq {i + 1} is missing (the bundle has {have})";
                }

                if (String(ordered[i].Entry, "prevHash") != previousHash)
                {
                    return $"request {request.Key}: chain broken at seq {seq}: its prevHash is not the hash of seq {seq - 1}: an event is missing or was replaced";
                }

                previousHash = String(ordered[i].Entry, "chainHash") ?? string.Empty;
            }
        }

        return null;
    }

    private static string? CheckAgainstPrevious(EvidenceBundle bundle, Checkpoint checkpoint, EvidenceBundle previous, IReadOnlyList<NoteVerifier> trusted)
    {
        var earlier = Verify(previous, trusted);
        if (!earlier.Ok)
        {
            return $"the earlier bundle does not verify: {earlier.Error}";
        }

        // For the same subject, missing, moved or changed events first: they name what was done. The consistency check
        // then catches any other rewrite.
        if (previous.Subject == bundle.Subject)
        {
            var byLeaf = bundle.Events.Where(e => e.Entry is not null).ToDictionary(e => e.LeafIndex, e => e.Entry!);
            var byEntry = bundle.Events.Where(e => e.Entry is not null).GroupBy(e => e.Entry!).ToDictionary(g => g.Key, g => g.First().LeafIndex);
            foreach (var e in previous.Events.Where(e => e.Entry is not null))
            {
                var what = Describe(e.LeafIndex, JsonDocument.Parse(e.Entry!).RootElement);
                if (byLeaf.TryGetValue(e.LeafIndex, out var current) && current == e.Entry)
                {
                    continue;
                }

                if (byEntry.TryGetValue(e.Entry!, out var moved))
                {
                    return $"{what}, in the earlier bundle, is at leaf {moved} now: the log was rebuilt, history was rewritten";
                }

                return byLeaf.ContainsKey(e.LeafIndex)
                    ? $"{what} differs from the earlier bundle: it was altered"
                    : $"{what}, in the earlier bundle, is missing now: it was deleted";
            }
        }

        var older = earlier.Checkpoint!;
        IReadOnlyList<byte[]>? proof = null;
        if (older.Size < checkpoint.Size)
        {
            if (bundle.Consistency is not { } consistency || consistency.FromSize != older.Size)
            {
                return $"the bundle has no consistency proof from the earlier checkpoint's size {older.Size} (fetch it with ?since={older.Size})";
            }

            proof = consistency.Proof.Select(Convert.FromBase64String).ToArray();
        }

        if (LogConsistency.Check(older, checkpoint, proof) is { } inconsistent)
        {
            return $"against the earlier bundle: {inconsistent}";
        }

        return null;
    }

    private static string Describe(long leaf, JsonElement entry) =>
        String(entry, "type") == LogEntries.RequestEvent
            ? $"event seq {(entry.TryGetProperty("seq", out var s) ? s.ToString() : "?")} of request {String(entry, "requestId")} (leaf {leaf}, {String(entry, "kind")})"
            : $"{String(entry, "type") ?? "entry"} at leaf {leaf}";

    private static string? String(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>Reads a verifier-key file or string: one verifier key per line, '#' comments allowed.</summary>
    public static IReadOnlyList<NoteVerifier> ParseKeys(string text) =>
        text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(NoteKeys.ParseVerifier).ToList();
}

/// <summary>The verdict: null <see cref="Error"/> when every check passed.</summary>
public sealed record EvidenceResult(string? Error, Checkpoint? Checkpoint = null, NoteVerifier? SignedBy = null, int Events = 0)
{
    public bool Ok => Error is null;

    public static EvidenceResult Fail(string error) => new(error);
}
