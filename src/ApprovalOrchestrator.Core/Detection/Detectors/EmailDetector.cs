using System.Text.RegularExpressions;

namespace ApprovalOrchestrator.Core.Detection.Detectors;

/// <summary>
/// E-mail addresses: a dot-atom local part, <c>@</c>, two or more DNS labels, a letter-only top-level domain of 2+
/// letters (Unicode letters allowed, so internationalised addresses count). Also the bracketed obfuscations
/// <c>john [at] example [dot] com</c> / <c>(at)</c> / <c>{at}</c>; the bare-word form <c>john at example dot com</c>
/// is not caught (it is ordinary English too often).
/// </summary>
public sealed class EmailDetector : RegexDetector
{
    private const string Local = @"[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*";
    private const string Label = @"[\p{L}\p{N}]([\p{L}\p{N}-]*[\p{L}\p{N}])?";
    private const string At = @"(@|\s?[\[({]\s?(at|AT)\s?[\])}]\s?)";
    private const string Dot = @"(\.|\s?[\[({]\s?(dot|DOT)\s?[\])}]\s?)";

    private static readonly Regex Address = Compile($"(?<v>{Local}{At}({Label}{Dot})+\\p{{L}}{{2,63}})");

    public override string Id => DetectorIds.Email;

    public override string Canonical(string value) => value.ToLowerInvariant();

    protected override Regex Pattern => Address;

    protected override (int Start, int Length)? Confirm(string text, Match match)
    {
        var v = match.Groups["v"];
        var end = v.Index + v.Length;
        // The TLD must end the address: "a@b.com1" or "a@b.c-d" are not addresses we are sure of.
        if (char.IsLetterOrDigit(TextAround.At(text, end)) || TextAround.At(text, end) == '-')
        {
            return null;
        }

        return (v.Index, v.Length);
    }
}
