using static ApprovalOrchestrator.Core.Tests.Detection.DetectionKit;

namespace ApprovalOrchestrator.Core.Tests.Detection;

public class PaymentCardDetectorTests
{
    [Theory]
    [InlineData("Card 4111 1111 1111 1111 expired", "4111 1111 1111 1111")]
    [InlineData("Card 4111-1111-1111-1111", "4111-1111-1111-1111")]
    [InlineData("pan=4111111111111111", "4111111111111111")]
    [InlineData("MC 5555555555554444", "5555555555554444")]
    [InlineData("MC 2221 0000 0000 0009", "2221 0000 0000 0009")]
    [InlineData("Amex 3782 822463 10005", "3782 822463 10005")]
    [InlineData("Discover 6011111111111117", "6011111111111117")]
    [InlineData("JCB 3530111333300000", "3530111333300000")]
    [InlineData("Card 4111 1111 1111 1111 123 CVV", "4111 1111 1111 1111")]
    [InlineData("full-width ４１１１ １１１１ １１１１ １１１１", "４１１１ １１１１ １１１１ １１１１")]
    public void Card_numbers_are_found(string text, string card) => AssertSingle(text, "payment-card", card);

    [Theory]
    [InlineData("4111 1111 1111 1112")] // fails Luhn
    [InlineData("4111111111111112")] // fails Luhn
    [InlineData("1234 5678 9012 3452")] // passes Luhn, no issuer starts with 1
    [InlineData("4111 1111-1111 1111")] // mixed separators
    [InlineData("4111.1111.1111.1111")] // dots are versions or amounts
    [InlineData("Unix ms 1733135400000")]
    [InlineData("3782822463100051")] // Amex prefix at 16 digits
    public void Near_misses_are_not_cards(string text) => AssertNo(text, "payment-card");
}
