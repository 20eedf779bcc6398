using ApprovalOrchestrator.Core.Audit.Log;

namespace ApprovalOrchestrator.Core.Tests.Audit.Log;

/// <summary>
/// The reference vectors of Certificate Transparency's Merkle tree tests, as published in transparency-dev/merkle
/// (proof/verify_test.go: the 8 leaves, the roots of every prefix, and its inclusion and consistency proofs).
/// </summary>
public sealed class MerkleVectorTests
{
    private static readonly byte[][] Leaves =
    [
        [], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43],
        Convert.FromHexString("5051525354555657"), Convert.FromHexString("606162636465666768696a6b6c6d6e6f"),
    ];

    private static readonly string[] Roots =
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    private static MemoryMerkleNodes Tree() => new(Leaves.Select(l => MerkleHash.Leaf(l)).ToList());

    [Fact]
    public void Empty_tree_root_is_sha256_of_nothing() =>
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Convert.ToHexStringLower(MerkleTree.Root(Tree(), 0)));

    [Fact]
    public void Roots_of_every_prefix_match_the_reference()
    {
        for (var size = 1; size <= 8; size++)
        {
            Assert.Equal(Roots[size - 1], Convert.ToHexStringLower(MerkleTree.Root(Tree(), size)));
        }
    }

    public static TheoryData<int, int, string[]> InclusionVectors => new()
    {
        // (0-based leaf, tree size, proof)
        { 0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"] },
        { 5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
        { 2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"] },
        { 1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"] },
        { 0, 1, [] },
    };

    [Theory]
    [MemberData(nameof(InclusionVectors))]
    public void Inclusion_proofs_match_the_reference_and_verify(int leaf, int size, string[] expected)
    {
        var proof = MerkleTree.InclusionProof(Tree(), leaf, size);
        Assert.Equal(expected, proof.Select(Convert.ToHexStringLower));
        Assert.True(MerkleVerifier.VerifyInclusion(leaf, size, MerkleHash.Leaf(Leaves[leaf]), proof, Convert.FromHexString(Roots[size - 1])));
    }

    public static TheoryData<int, int, string[]> ConsistencyVectors => new()
    {
        { 1, 1, [] },
        { 1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"] },
        { 6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
        { 2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"] },
        { 6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
    };

    [Theory]
    [MemberData(nameof(ConsistencyVectors))]
    public void Consistency_proofs_match_the_reference_and_verify(int first, int second, string[] expected)
    {
        var proof = MerkleTree.ConsistencyProof(Tree(), first, second);
        Assert.Equal(expected, proof.Select(Convert.ToHexStringLower));
        Assert.True(MerkleVerifier.VerifyConsistency(first, second, Convert.FromHexString(Roots[first - 1]), Convert.FromHexString(Roots[second - 1]), proof));
    }

    [Fact]
    public void Degenerate_consistency_cases_follow_the_reference()
    {
        var a = MerkleHash.Leaf([1]);
        var b = MerkleHash.Leaf([2]);
        Assert.True(MerkleVerifier.VerifyConsistency(0, 0, a, a, []));
        Assert.True(MerkleVerifier.VerifyConsistency(0, 1, a, b, []));
        Assert.False(MerkleVerifier.VerifyConsistency(1, 1, a, b, []));
        Assert.False(MerkleVerifier.VerifyConsistency(1, 0, a, b, []));
        Assert.False(MerkleVerifier.VerifyConsistency(2, 1, a, b, []));
        Assert.False(MerkleVerifier.VerifyConsistency(1, 2, a, b, []));
        Assert.False(MerkleVerifier.VerifyConsistency(0, 1, MerkleHash.Empty, MerkleHash.Empty, [MerkleHash.Empty]));
    }
}
