namespace ApprovalOrchestrator.Core.Detection.Detectors;

/// <summary>
/// Dutch burgerservicenummer: 9 digits (<c>111222333</c>, <c>1112.22.333</c>, <c>111 222 333</c>) passing the
/// eleven-proof. One random 9-digit number in 11 passes it, so a BSN counts only right after a word that names it
/// (<c>BSN</c>, <c>burgerservicenummer</c>, <c>sofinummer</c>, <c>citizen service number</c>).
/// </summary>
public sealed class DutchBsnDetector : IDetector
{
    private static readonly string[] Words = ["bsn", "burgerservicenummer", "sofinummer", "sofi", "citizen service number", "service number"];

    public string Id => DetectorIds.NationalIdNetherlands;

    public string Canonical(string value) => new(value.Where(char.IsAsciiDigit).ToArray());

    public IEnumerable<Finding> Find(string text)
    {
        foreach (var run in DigitGroups.RunsIn(text, phoneLike: false, DigitGroups.StartsAfterBoundary))
        {
            if (run.DigitCount(run.Count) == 9 && !char.IsLetter(TextAround.At(text, run.End))
                && Checksums.ElevenProof(run.Digits(run.Count)) && TextAround.KeywordBefore(text, run.Start, Words, 32))
            {
                yield return new Finding(Id, run.Start, run.End - run.Start);
            }
        }
    }
}
