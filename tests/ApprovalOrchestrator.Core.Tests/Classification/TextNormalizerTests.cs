using ApprovalOrchestrator.Core.Classification;

namespace ApprovalOrchestrator.Core.Tests.Classification;

public class TextNormalizerTests
{
    [Theory]
    [InlineData("ＤＥＬＥＴＥ", "delete")] // full-width letters fold under NFKC
    [InlineData("de\u200Blete", "delete")] // zero-width space
    [InlineData("de\u200Dle\u200Cte", "delete")] // zero-width joiner / non-joiner
    [InlineData("de\u00ADlete", "delete")] // soft hyphen
    [InlineData("\uFEFFdelete", "delete")] // BOM
    [InlineData("\u202Edelete\u202C", "delete")] // bidi override marks
    [InlineData("ﬁle", "file")] // ligature
    [InlineData("DeLeTe", "delete")]
    [InlineData("  transfer\t\tfunds\r\nnow\u00A0 \u2003please ", "transfer funds now please")]
    [InlineData("a\u0007b", "ab")] // bell is a control char, not whitespace
    [InlineData("", "")]
    [InlineData(" \t\n ", "")]
    public void Normalizes(string input, string expected) =>
        Assert.Equal(expected, TextNormalizer.Normalize(input));

    [Fact]
    public void Hidden_characters_do_not_hide_a_term()
    {
        var matcher = new TermMatcher("delete");
        Assert.True(matcher.IsMatch("Please ＤＥ\u200BＬＥ\u00ADＴＥ the repo"));
    }
}
