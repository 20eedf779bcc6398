namespace ApprovalOrchestrator.Core.Audit.Log;

/// <summary>What a witness checks between an older checkpoint it holds and a newer one: the newer extends the older.</summary>
public static class LogConsistency
{
    /// <summary>Null when <paramref name="newer"/> is consistent with <paramref name="older"/>; otherwise what is wrong.</summary>
    public static string? Check(Checkpoint older, Checkpoint newer, IReadOnlyList<byte[]>? proof)
    {
        if (older.Origin != newer.Origin)
        {
            return $"origin changed from '{older.Origin}' to '{newer.Origin}'";
        }

        if (newer.Size < older.Size)
        {
            return $"the log shrank from {older.Size} to {newer.Size} entries: entries were removed or the log was replaced";
        }

        if (newer.Size == older.Size)
        {
            return older.Root.AsSpan().SequenceEqual(newer.Root)
                ? null
                : $"fork: two different root hashes for tree size {newer.Size} ({Convert.ToBase64String(older.Root)} and {Convert.ToBase64String(newer.Root)}): history was rewritten";
        }

        if (proof is null)
        {
            return $"no consistency proof from size {older.Size} to size {newer.Size}";
        }

        return MerkleVerifier.VerifyConsistency(older.Size, newer.Size, older.Root, newer.Root, proof)
            ? null
            : $"consistency proof failure: the log of size {newer.Size} does not extend the checkpoint of size {older.Size}: history was rewritten";
    }
}
