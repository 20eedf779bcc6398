using System.Numerics;

namespace ApprovalOrchestrator.Core.Audit.Log;

/// <summary>
/// Roots and proofs of an RFC 6962 / RFC 9162 Merkle tree (MTH, PATH and SUBPROOF of RFC 9162 §2.1.1–2.1.4),
/// computed from stored full-subtree nodes so each costs O(log n) node reads, never a pass over the leaves.
/// </summary>
public static class MerkleTree
{
    /// <summary>MTH(D[0:size]).</summary>
    public static byte[] Root(IMerkleNodes nodes, long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        return size == 0 ? MerkleHash.Empty : RangeHash(nodes, 0, size);
    }

    /// <summary>PATH(index, D[0:size]): the audit path, leaf level first.</summary>
    public static IReadOnlyList<byte[]> InclusionProof(IMerkleNodes nodes, long index, long size)
    {
        if (index < 0 || index >= size)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"Leaf {index} is not in a tree of size {size}.");
        }

        var proof = new List<byte[]>();
        Path(nodes, index, 0, size, proof);
        return proof;
    }

    /// <summary>PROOF(first, D[0:second]); empty when first is 0 or equals second.</summary>
    public static IReadOnlyList<byte[]> ConsistencyProof(IMerkleNodes nodes, long first, long second)
    {
        if (first < 0 || first > second)
        {
            throw new ArgumentOutOfRangeException(nameof(first), $"No consistency proof from size {first} to size {second}.");
        }

        var proof = new List<byte[]>();
        if (first > 0 && first < second)
        {
            SubProof(nodes, first, 0, second, true, proof);
        }

        return proof;
    }

    /// <summary>
    /// The full subtrees that appending leaf <paramref name="index"/> completes (level ≥ 1), given the nodes stored so
    /// far: what a store writes beside the leaf so later proofs never recompute. One node per leaf on average.
    /// </summary>
    public static IReadOnlyList<(int Level, long Index, byte[] Hash)> CompletedBy(IMerkleNodes nodes, long index, byte[] leafHash)
    {
        var completed = new List<(int, long, byte[])>();
        var hash = leafHash;
        var level = 0;
        while ((index & 1) == 1)
        {
            hash = MerkleHash.Node(nodes.Node(level, index - 1), hash);
            level++;
            index >>= 1;
            completed.Add((level, index, hash));
        }

        return completed;
    }

    /// <summary>MTH(D[start:end]) for a range whose start is aligned to its largest power-of-two split.</summary>
    private static byte[] RangeHash(IMerkleNodes nodes, long start, long end)
    {
        var count = end - start;
        if (BitOperations.IsPow2(count) && start % count == 0)
        {
            return nodes.Node(BitOperations.Log2((ulong)count), start / count);
        }

        var k = SplitPoint(count);
        return MerkleHash.Node(RangeHash(nodes, start, start + k), RangeHash(nodes, start + k, end));
    }

    private static void Path(IMerkleNodes nodes, long index, long start, long end, List<byte[]> proof)
    {
        var count = end - start;
        if (count <= 1)
        {
            return;
        }

        var k = SplitPoint(count);
        if (index - start < k)
        {
            Path(nodes, index, start, start + k, proof);
            proof.Add(RangeHash(nodes, start + k, end));
        }
        else
        {
            Path(nodes, index, start + k, end, proof);
            proof.Add(RangeHash(nodes, start, start + k));
        }
    }

    private static void SubProof(IMerkleNodes nodes, long first, long start, long end, bool wholeSubtree, List<byte[]> proof)
    {
        var count = end - start;
        if (first == count)
        {
            if (!wholeSubtree)
            {
                proof.Add(RangeHash(nodes, start, end));
            }

            return;
        }

        var k = SplitPoint(count);
        if (first <= k)
        {
            SubProof(nodes, first, start, start + k, wholeSubtree, proof);
            proof.Add(RangeHash(nodes, start + k, end));
        }
        else
        {
            SubProof(nodes, first - k, start + k, end, false, proof);
            proof.Add(RangeHash(nodes, start, start + k));
        }
    }

    /// <summary>The largest power of two smaller than <paramref name="count"/> (count ≥ 2).</summary>
    private static long SplitPoint(long count) => 1L << BitOperations.Log2((ulong)(count - 1));
}
