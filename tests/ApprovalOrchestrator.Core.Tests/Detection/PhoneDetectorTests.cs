using static ApprovalOrchestrator.Core.Tests.Detection.DetectionKit;

namespace ApprovalOrchestrator.Core.Tests.Detection;

public class PhoneDetectorTests
{
    [Theory]
    [InlineData("Call +1 555-123-4567 after lunch.", "+1 555-123-4567")]
    [InlineData("Call +15551234567.", "+15551234567")]
    [InlineData("UK office +44 20 7946 0958", "+44 20 7946 0958")]
    [InlineData("Berlin +49 (0)30 1234567", "+49 (0)30 1234567")]
    [InlineData("Paris +33 1 23 45 67 89", "+33 1 23 45 67 89")]
    [InlineData("dial 0044 20 7946 0958", "0044 20 7946 0958")]
    [InlineData("dial 00 44 20 7946 0958", "00 44 20 7946 0958")]
    [InlineData("toll free 1-800-555-0199", "1-800-555-0199")]
    [InlineData("(555) 123-4567 is the desk", "(555) 123-4567")]
    [InlineData("desk 555-123-4567", "555-123-4567")]
    [InlineData("desk 555.123.4567", "555.123.4567")]
    [InlineData("call 555 123 4567 2 times", "555 123 4567")]
    [InlineData("Phone 020 7946 0958.", "020 7946 0958")]
    [InlineData("Appelez 01 23 45 67 89", "01 23 45 67 89")]
    [InlineData("Appelez 01.23.45.67.89", "01.23.45.67.89")]
    [InlineData("Mobiel 06-12345678", "06-12345678")]
    [InlineData("Büro (030) 1234567", "(030) 1234567")]
    [InlineData("mobile: 07700900123", "07700900123")]
    [InlineData("tel 612 345 678", "612 345 678")]
    public void Phone_numbers_are_found(string text, string phone) => AssertSingle(text, "phone", phone);

    [Theory]
    [InlineData("Released on 2026-12-02 at 10:30.")]
    [InlineData("Timestamp 2026-12-02T10:30:00Z")]
    [InlineData("Offset +2026-12-02")]
    [InlineData("Version 1.2.3 and v10.0.401")]
    [InlineData("Order 0123-456-7890 shipped")]
    [InlineData("Order #0123 456 7890 shipped")]
    [InlineData("invoice 0123456789")]
    [InlineData("Revenue 1 234 567 EUR in Q1 2026")]
    [InlineData("Price $1,234,567.89")]
    [InlineData("Build 20261202.1 and 1733135400 seconds")]
    [InlineData("Ids 1234567890 and 5551234567 without a phone word")]
    [InlineData("Serial 0123-4567-8901-23")]
    [InlineData("IP 10.20.30.40 and 192.168.100.200")]
    [InlineData("between 2024 and 2026, 15 to 20 people")]
    [InlineData("Ratio 555-123-45678")]
    public void Near_misses_are_not_phones(string text) => AssertNo(text, "phone");
}
