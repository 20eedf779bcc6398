using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Tests.TestSupport;

namespace ApprovalOrchestrator.Core.Tests.Definitions;

public class DefinitionHashTests
{
    [Fact]
    public void Hash_is_prefixed_lowercase_sha256_hex()
    {
        // SHA-256 of the empty string.
        Assert.Equal("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", DefinitionHash.Compute(""));
    }

    [Fact]
    public void Hash_is_stable_across_line_endings_and_trailing_whitespace()
    {
        var lf = RepoFiles.Read(ReferencePolicy.Path).Replace("\r\n", "\n", StringComparison.Ordinal);
        var crlf = lf.Replace("\n", "\r\n", StringComparison.Ordinal);
        var trailing = lf.Replace("\n", "  \t\n", StringComparison.Ordinal);
        var bom = "\uFEFF" + crlf;

        var expected = DefinitionHash.Compute(lf);
        Assert.Equal(expected, DefinitionHash.Compute(crlf));
        Assert.Equal(expected, DefinitionHash.Compute(trailing));
        Assert.Equal(expected, DefinitionHash.Compute(bom));
        Assert.Equal(expected, DefinitionParser.Parse(crlf).Hash);
    }

    [Fact]
    public void Any_content_change_changes_the_hash() =>
        Assert.NotEqual(DefinitionHash.Compute("timeout: PT4H\n"), DefinitionHash.Compute("timeout: PT5H\n"));

    [Fact]
    public void Leading_whitespace_is_significant_because_yaml_indentation_is() =>
        Assert.NotEqual(DefinitionHash.Compute("a:\n  b: 1"), DefinitionHash.Compute("a:\n b: 1"));
}
