using ApprovalOrchestrator.Core.Audit.Log;

namespace ApprovalOrchestrator.Core.Tests.Audit.Log;

/// <summary>Every proof for every size up to 64 verifies, and every tampered one fails (the reference suite's corruptions).</summary>
public sealed class MerklePropertyTests
{
    private const int MaxSize = 64;

    private static readonly List<byte[]> Leaves = Enumerable.Range(0, MaxSize).Select(i => MerkleHash.Leaf(BitConverter.GetBytes(i * 7919))).ToList();
    private static readonly MemoryMerkleNodes Nodes = new(Leaves);
    private static readonly byte[][] Roots = Enumerable.Range(0, MaxSize + 1).Select(n => MerkleTree.Root(Nodes, n)).ToArray();

    [Fact]
    public void Roots_from_stored_nodes_equal_the_recursive_definition()
    {
        for (var n = 1; n <= MaxSize; n++)
        {
            Assert.Equal(Mth(Leaves.Take(n).ToList()), Roots[n]);
        }
    }

    [Fact]
    public void Nodes_completed_by_each_append_are_the_full_subtrees()
    {
        var stored = new Dictionary<(int, long), byte[]>();
        var nodes = new DictionaryNodes(stored);
        for (var i = 0; i < MaxSize; i++)
        {
            stored[(0, i)] = Leaves[i];
            foreach (var (level, index, hash) in MerkleTree.CompletedBy(nodes, i, Leaves[i]))
            {
                stored[(level, index)] = hash;
                Assert.Equal(Nodes.Node(level, index), hash);
            }

            Assert.Equal(Roots[i + 1], MerkleTree.Root(nodes, i + 1));
        }

        Assert.Equal((2 * MaxSize) - 1, stored.Count);
    }

    [Fact]
    public void Every_inclusion_proof_verifies_and_every_corruption_fails()
    {
        for (var n = 1; n <= MaxSize; n++)
        {
            for (var i = 0; i < n; i++)
            {
                var proof = MerkleTree.InclusionProof(Nodes, i, n);
                Assert.True(MerkleVerifier.VerifyInclusion(i, n, Leaves[i], proof, Roots[n]), $"leaf {i} of {n}");
                foreach (var (index, size, leaf, bad, root, what) in Corruptions(i, n, proof))
                {
                    Assert.False(MerkleVerifier.VerifyInclusion(index, size, leaf, bad, root), $"leaf {i} of {n}: {what} verified");
                }
            }
        }
    }

    [Fact]
    public void Every_consistency_proof_verifies_and_every_corruption_fails()
    {
        for (var n = 1; n <= MaxSize; n++)
        {
            for (var m = 1; m <= n; m++)
            {
                var proof = MerkleTree.ConsistencyProof(Nodes, m, n);
                Assert.True(MerkleVerifier.VerifyConsistency(m, n, Roots[m], Roots[n], proof), $"{m} to {n}");
                if (m == n)
                {
                    continue;
                }

                Assert.False(MerkleVerifier.VerifyConsistency(m - 1, n, Roots[m], Roots[n], proof), $"{m} to {n}: size1 - 1");
                Assert.False(MerkleVerifier.VerifyConsistency(m + 1, n, Roots[m], Roots[n], proof), $"{m} to {n}: size1 + 1");
                Assert.False(MerkleVerifier.VerifyConsistency(m, n * 2, Roots[m], Roots[n], proof), $"{m} to {n}: size2 * 2");
                Assert.False(MerkleVerifier.VerifyConsistency(m, n, Roots[m - 1], Roots[n], proof), $"{m} to {n}: wrong root1");
                Assert.False(MerkleVerifier.VerifyConsistency(m, n, Roots[m], Roots[n - 1], proof), $"{m} to {n}: wrong root2");
                Assert.False(MerkleVerifier.VerifyConsistency(m, n, Roots[n], Roots[m], proof), $"{m} to {n}: swapped roots");
                Assert.False(MerkleVerifier.VerifyConsistency(m, n, Roots[m], Roots[n], []), $"{m} to {n}: empty proof");
                Assert.False(MerkleVerifier.VerifyConsistency(m, n, Roots[m], Roots[n], [.. proof, Roots[m]]), $"{m} to {n}: trailing root");
                Assert.False(MerkleVerifier.VerifyConsistency(m, n, Roots[m], Roots[n], [Roots[n], .. proof]), $"{m} to {n}: preceding root");
                Assert.False(MerkleVerifier.VerifyConsistency(m, n, Roots[m], Roots[n], proof.Take(proof.Count - 1).ToList()), $"{m} to {n}: truncated");
                for (var k = 0; k < proof.Count; k++)
                {
                    Assert.False(MerkleVerifier.VerifyConsistency(m, n, Roots[m], Roots[n], Flip(proof, k)), $"{m} to {n}: bit flipped in proof[{k}]");
                }
            }
        }
    }

    private static IEnumerable<(long, long, byte[], IReadOnlyList<byte[]>, byte[], string)> Corruptions(int i, int n, IReadOnlyList<byte[]> proof)
    {
        if (i > 0)
        {
            yield return (i - 1, n, Leaves[i], proof, Roots[n], "index - 1");
        }

        yield return (i + 1, n, Leaves[i], proof, Roots[n], "index + 1");
        yield return (i, n * 2, Leaves[i], proof, Roots[n], "size * 2");
        if (n > 1)
        {
            yield return (i ^ 1, n, Leaves[i], proof, Roots[n], "sibling index");
            yield return (i, n, Leaves[(i + 1) % n], proof, Roots[n], "other leaf");
            yield return (i, n, Leaves[i], proof, Roots[n - 1], "older root");
            yield return (i, n, Leaves[i], proof.Take(proof.Count - 1).ToList(), Roots[n], "removed component");
        }

        yield return (i, n, Leaves[i], [.. proof, Roots[n]], Roots[n], "trailing root");
        yield return (i, n, Leaves[i], [Roots[n], .. proof], Roots[n], "preceding root");
        for (var k = 0; k < proof.Count; k++)
        {
            yield return (i, n, Leaves[i], Flip(proof, k), Roots[n], $"bit flipped in proof[{k}]");
        }
    }

    private static List<byte[]> Flip(IReadOnlyList<byte[]> proof, int k)
    {
        var copy = proof.Select(p => (byte[])p.Clone()).ToList();
        copy[k][0] ^= 8;
        return copy;
    }

    /// <summary>RFC 9162 §2.1.1 MTH, written straight from the definition.</summary>
    private static byte[] Mth(IReadOnlyList<byte[]> d)
    {
        if (d.Count == 1)
        {
            return d[0];
        }

        var k = 1;
        while (k * 2 < d.Count)
        {
            k *= 2;
        }

        return MerkleHash.Node(Mth(d.Take(k).ToList()), Mth(d.Skip(k).ToList()));
    }

    private sealed class DictionaryNodes(Dictionary<(int, long), byte[]> stored) : IMerkleNodes
    {
        public byte[] Node(int level, long index) => stored[(level, index)];
    }
}
