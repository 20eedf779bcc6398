using static ApprovalOrchestrator.Core.Tests.Detection.DetectionKit;

namespace ApprovalOrchestrator.Core.Tests.Detection;

public class IbanDetectorTests
{
    [Theory]
    [InlineData("Pay DE89370400440532013000 today", "DE89370400440532013000")]
    [InlineData("Pay DE89 3704 0044 0532 0130 00 today", "DE89 3704 0044 0532 0130 00")]
    [InlineData("IBAN: GB29NWBK60161331926819.", "GB29NWBK60161331926819")]
    [InlineData("NL91 ABNA 0417 1643 00", "NL91 ABNA 0417 1643 00")]
    [InlineData("FR1420041010050500013M02606", "FR1420041010050500013M02606")]
    [InlineData("Norway NO9386011117947", "NO9386011117947")]
    [InlineData("lower case gb29nwbk60161331926819", "gb29nwbk60161331926819")]
    [InlineData("DE89 3704 0044 0532 0130 00 12 EUR", "DE89 3704 0044 0532 0130 00")]
    public void Ibans_with_a_valid_check_are_found(string text, string iban) => AssertSingle(text, "iban", iban);

    [Theory]
    [InlineData("DE88370400440532013000")] // wrong check digits
    [InlineData("DE89370400440532013001")] // one digit changed
    [InlineData("DE8937040044053201300")] // one short for Germany
    [InlineData("DE893704004405320130001")] // one long for Germany
    [InlineData("QQ89370400440532013000")] // no such country
    [InlineData("XDE89370400440532013000")] // glued to a letter
    public void Near_misses_are_not_ibans(string text) => AssertNo(text, "iban");
}
