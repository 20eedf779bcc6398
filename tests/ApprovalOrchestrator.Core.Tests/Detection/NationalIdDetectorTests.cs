using static ApprovalOrchestrator.Core.Tests.Detection.DetectionKit;

namespace ApprovalOrchestrator.Core.Tests.Detection;

public class NationalIdDetectorTests
{
    [Theory]
    [InlineData("DNI 12345678Z", "national-id.es", "12345678Z")]
    [InlineData("DNI 12345678-Z", "national-id.es", "12345678-Z")]
    [InlineData("NIE X1234567L", "national-id.es", "X1234567L")]
    [InlineData("NIE Y7654321G", "national-id.es", "Y7654321G")]
    [InlineData("HETU 131052-308T", "national-id.fi", "131052-308T")]
    [InlineData("HETU 010594Y916F", "national-id.fi", "010594Y916F")]
    [InlineData("HETU 150310A123M", "national-id.fi", "150310A123M")]
    [InlineData("pnr 811218-9876", "national-id.se", "811218-9876")]
    [InlineData("pnr 19811218-9876", "national-id.se", "19811218-9876")]
    [InlineData("BSN 111222333", "national-id.nl", "111222333")]
    [InlineData("burgerservicenummer: 1234.56.782", "national-id.nl", "1234.56.782")]
    [InlineData("Aadhaar 2345 6789 0124", "national-id.in", "2345 6789 0124")]
    [InlineData("aadhaar no. 234567890124", "national-id.in", "234567890124")]
    public void Ids_with_a_valid_check_are_found(string text, string id, string value) => AssertSingle(text, id, value);

    [Theory]
    [InlineData("DNI 12345678A", "national-id.es")] // wrong letter
    [InlineData("NIE X1234567A", "national-id.es")]
    [InlineData("ref 123456789Z", "national-id.es")] // nine digits
    [InlineData("HETU 131052-308A", "national-id.fi")] // wrong check
    [InlineData("HETU 310252-308T", "national-id.fi")] // 31 February
    [InlineData("pnr 811218-9877", "national-id.se")] // fails Luhn
    [InlineData("pnr 811318-9876", "national-id.se")] // month 13
    [InlineData("order 8112189876", "national-id.se")] // bare digits
    [InlineData("order 111222333", "national-id.nl")] // passes eleven-proof, no BSN word
    [InlineData("BSN 111222334", "national-id.nl")] // fails eleven-proof
    [InlineData("Aadhaar 2345 6789 0125", "national-id.in")] // fails Verhoeff
    [InlineData("Aadhaar 1345 6789 0124", "national-id.in")] // starts with 1
    [InlineData("order 234567890124", "national-id.in")] // bare digits, no Aadhaar word
    public void Near_misses_are_not_ids(string text, string id) => AssertNo(text, id);
}
