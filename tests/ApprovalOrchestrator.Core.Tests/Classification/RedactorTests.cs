using ApprovalOrchestrator.Core.Classification;

namespace ApprovalOrchestrator.Core.Tests.Classification;

/// <summary>The notification redactor: every detector, un-numbered placeholders (each string is redacted alone).</summary>
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
    [InlineData("Pay DE89 3704 0044 0532 0130 00 now.", "Pay [iban] now.")]
    [InlineData("Call +1 555-123-4567 after lunch.", "Call [phone] after lunch.")]
    [InlineData("Card 4111 1111 1111 1111 expired", "Card [payment-card] expired")]
    [InlineData("Phone 020 7946 0958.", "Phone [phone].")]
    [InlineData("DNI 12345678Z on file", "DNI [national-id.es] on file")]
    public void Numbers_with_a_known_structure_are_masked(string text, string expected)
    {
        Assert.Equal(expected, Redactor.Redact(text));
    }

    [Theory]
    [InlineData("Use key sk-abc123def456ghi789jkl0 for this.", "Use key [api-key] for this.")]
    [InlineData("token=ghp_A1b2C3d4E5f6G7h8I9j0K1l2", "token=[high-entropy]")]
    [InlineData("secret: 3f9a1c0e7b2d4a6f8e1c3b5d7a9f0e2c", "secret: [high-entropy]")]
    [InlineData("id AKIAIOSFODNN7EXAMPLE", "id [api-key]")]
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
    [InlineData("Deploy on 2026-12-02 (2026-12-02T10:30:00Z), release v10.0.401 and 1.2.3.")]
    [InlineData("Request 550e8400-e29b-41d4-a716-446655440000 for Q1 2026 costs EUR 1 234 567.")]
    [InlineData("Order 20261202-0042 and invoice 1234567 are paid.")]
    [InlineData("")]
    public void Ordinary_text_dates_versions_and_ids_are_left_alone(string text)
    {
        Assert.Equal(text, Redactor.Redact(text));
    }

    [Fact]
    public void Several_kinds_are_masked_in_one_text_and_the_rest_is_kept()
    {
        var text = "In Q1, email ops@example.com the key sk-abc123def456ghi789jkl0 and call 555 123 4567 within 2 days.";
        Assert.Equal("In Q1, email [email] the key [api-key] and call [phone] within 2 days.", Redactor.Redact(text));
    }

    [Fact]
    public void Short_letter_digit_mixes_are_not_keys()
    {
        Assert.Equal("Ticket ABC123 and build v2.1.0", Redactor.Redact("Ticket ABC123 and build v2.1.0"));
    }
}
