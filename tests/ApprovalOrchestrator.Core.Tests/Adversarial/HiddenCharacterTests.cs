using ApprovalOrchestrator.Core.Review;

namespace ApprovalOrchestrator.Core.Tests.Adversarial;

/// <summary>Characters an attacker uses to hide part of an action from its approver are shown as markers (issue 9, class 7).</summary>
public class HiddenCharacterTests
{
    [Theory]
    [InlineData("mallory\u200B@evil.example", "mallory⟦U+200B ZWSP⟧@evil.example")]
    [InlineData("pay \u202Eliam\u202C now", "pay ⟦U+202E RLO⟧liam⟦U+202C PDF⟧ now")]
    [InlineData("to\u2066x\u2069", "to⟦U+2066 LRI⟧x⟦U+2069 PDI⟧")]
    [InlineData("de\uFE0Flete", "de⟦U+FE0F⟧lete")]
    [InlineData("soft\u00ADhyphen", "soft⟦U+00AD SHY⟧hyphen")]
    [InlineData("bell\u0007", "bell⟦U+0007⟧")]
    [InlineData("\uFEFFbom", "⟦U+FEFF BOM⟧bom")]
    [InlineData("tag\U000E0041", "tag⟦U+E0041⟧")]
    public void An_invisible_character_is_replaced_by_a_visible_marker(string text, string shown)
    {
        Assert.Equal(shown, VisibleText.Reveal(text));
    }

    [Theory]
    [InlineData("Send the invoice to bob@example.com.")]
    [InlineData("Zeile 1\n\tZeile 2 — café, 東京")]
    public void Ordinary_text_with_tabs_newlines_and_accents_is_left_exactly_as_it_is(string text)
    {
        Assert.Same(text, VisibleText.Reveal(text));
        Assert.Empty(VisibleText.Find([text]));
    }

    [Fact]
    public void Find_lists_each_hidden_character_once_in_order_of_appearance()
    {
        Assert.Equal(["⟦U+200D ZWJ⟧", "⟦U+200B ZWSP⟧"], VisibleText.Find(["a\u200Db", "c\u200Bd\u200De"]));
    }
}
