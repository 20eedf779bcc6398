namespace ApprovalOrchestrator.Core.Detection.Detectors;

/// <summary>
/// Indian Aadhaar number: 12 digits, the first 2–9, the last a Verhoeff check digit. Printed as 4-4-4
/// (<c>2345 6789 0124</c>, spaces or dashes); twelve bare digits count only right after <c>Aadhaar</c>,
/// <c>UIDAI</c>, <c>UID</c> or <c>आधार</c>, because one random 12-digit number in 10 passes Verhoeff.
/// </summary>
public sealed class AadhaarDetector : IDetector
{
    private static readonly string[] Words = ["aadhaar", "aadhar", "uidai", "uid", "आधार"];

    public string Id => DetectorIds.NationalIdIndia;

    public string Canonical(string value) => new(value.Where(char.IsAsciiDigit).ToArray());

    public IEnumerable<Finding> Find(string text)
    {
        foreach (var run in DigitGroups.RunsIn(text, phoneLike: false, DigitGroups.StartsAfterBoundary))
        {
            var printed = run.Count == 3 && run.Groups.All(g => g.Length == 4) && run.Groups[1].SeparatorBefore is ' ' or '-'
                && run.SeparatorsAre(3, run.Groups[1].SeparatorBefore);
            var bare = run.Count == 1 && run.Groups[0].Length == 12 && TextAround.KeywordBefore(text, run.Start, Words, 24);
            if (!printed && !bare)
            {
                continue;
            }

            var digits = run.Digits(run.Count);
            if (digits[0] is >= '2' and <= '9' && !char.IsLetter(TextAround.At(text, run.End)) && Checksums.Verhoeff(digits))
            {
                yield return new Finding(Id, run.Start, run.End - run.Start);
            }
        }
    }
}
