using static ApprovalOrchestrator.Core.Tests.Detection.DetectionKit;

namespace ApprovalOrchestrator.Core.Tests.Detection;

public class EmailDetectorTests
{
    [Theory]
    [InlineData("Mail bob.smith@example.com today.", "bob.smith@example.com")]
    [InlineData("cc: Jane_Doe+ops@mail.corp.example.org", "Jane_Doe+ops@mail.corp.example.org")]
    [InlineData("<o'brien@example.ie>", "o'brien@example.ie")]
    [InlineData("write to josé.garcía@correo.es please", "josé.garcía@correo.es")]
    [InlineData("reply to john [at] example [dot] com", "john [at] example [dot] com")]
    [InlineData("reply to john(at)example(dot)com", "john(at)example(dot)com")]
    public void Addresses_are_found(string text, string address) => AssertSingle(text, "email", address);

    [Fact]
    public void A_zero_width_space_inside_an_address_does_not_split_it()
    {
        const string text = "to bob\u200B@exa\u200Dmple.com now";
        AssertSingle(text, "email", "bob\u200B@exa\u200Dmple.com");
    }

    [Fact]
    public void Full_width_at_sign_and_letters_are_read_as_ascii()
    {
        const string text = "ｂｏｂ＠ｅｘａｍｐｌｅ．ｃｏｍ";
        AssertSingle(text, "email", text);
    }

    [Theory]
    [InlineData("npm install @angular/core@17.0.1")]
    [InlineData("user@localhost has no domain")]
    [InlineData("see @bob in the channel")]
    [InlineData("the price is 5@3.50 each")]
    [InlineData("look at example dot com")]
    [InlineData("a@b.c1 is not a domain")]
    public void Near_misses_are_not_addresses(string text) => AssertNo(text, "email");
}
