namespace ApprovalOrchestrator.Core.Audit.Log;

/// <summary>
/// The stored hashes of full, aligned subtrees: level 0 is the leaf hashes, level l index i covers leaves
/// [i·2^l, (i+1)·2^l). Every root and proof is assembled from O(log n) of these.
/// </summary>
public interface IMerkleNodes
{
    byte[] Node(int level, long index);
}

/// <summary>Nodes computed from leaf hashes held in memory (tests, benchmarks, small trees).</summary>
public sealed class MemoryMerkleNodes(IReadOnlyList<byte[]> leaves) : IMerkleNodes
{
    public byte[] Node(int level, long index)
    {
        var start = index << level;
        var count = 1L << level;
        if (start + count > leaves.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"Subtree {level}/{index} is not complete in a tree of {leaves.Count}.");
        }

        return level == 0 ? leaves[(int)start] : MerkleHash.Node(Node(level - 1, 2 * index), Node(level - 1, (2 * index) + 1));
    }
}
