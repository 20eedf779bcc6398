using ApprovalOrchestrator.Core.Classification;

namespace ApprovalOrchestrator.Core.Tests.Classification;

public class RedactorTests
{
    [Theory]
    [InlineData("Mail bob.smith@example.com today.", "Mail [email] today.")]
    [InlineData("cc: Jane_Doe+ops@mail.corp.example.org", "cc: [email]")]
    [InlineData("a@b.io and c.d@e-f.co.uk", "[email] and [email]")]
    public void Emails_are_masked(string text, string expected)
    {
        Assert.Equal(expected, Redactor.Redact(text));
    }

    [Theory]
    [InlineData("Pay account 12345678 now.", "Pay account [number] now.")]
    [InlineData("IBAN digits 0532013000 follow", "IBAN digits [number] follow")]
    [InlineData("Call +1 555-123-4567 after lunch.", "Call [number] after lunch.")]
    [InlineData("Card 4111 1111 1111 1111 expired", "Card [number] expired")]
    [InlineData("Phone 020 7946 0958.", "Phone [number].")]
    public void Long_digit_runs_are_masked(string text, string expected)
    {
        Assert.Equal(expected, Redactor.Redact(text));
    }

    [Theory]
    [InlineData("Use key sk-abc123def456ghi789jkl0 for this.", "Use key [secret] for this.")]
    [InlineData("token=ghp_A1b2C3d4E5f6G7h8I9j0K1l2", "token=[secret]")]
    [InlineData("secret: 3f9a1c0e7b2d4a6f8e1c3b5d7a9f0e2c", "secret: [secret]")]
    public void Key_like_strings_are_masked(string text, string expected)
    {
        Assert.Equal(expected, Redactor.Redact(text));
    }

    [Theory]
    [InlineData("Summarize our AI governance policy for internal use.")]
    [InlineData("Draft an email to finance asking for confirmation of the Q1 cloud budget.")]
    [InlineData("Send an email to all employees that payroll will be delayed by 2 days.")]
    [InlineData("Meet in room 42 at 10:30 with 3 people in 2025.")]
    [InlineData("A very-long-hyphenated-identifier-without-digits stays.")]
    [InlineData("")]
    public void Ordinary_text_and_short_numbers_are_left_alone(string text)
    {
        Assert.Equal(text, Redactor.Redact(text));
    }

    [Fact]
    public void Several_kinds_are_masked_in_one_text_and_the_rest_is_kept()
    {
        var text = "In Q1, email ops@example.com the key sk-abc123def456ghi789jkl0 and call 555 123 4567 within 2 days.";
        Assert.Equal("In Q1, email [email] the key [secret] and call [number] within 2 days.", Redactor.Redact(text));
    }

    [Fact]
    public void Short_letter_digit_mixes_are_not_keys()
    {
        Assert.Equal("Ticket ABC123 and build v2.1.0", Redactor.Redact("Ticket ABC123 and build v2.1.0"));
    }
}
