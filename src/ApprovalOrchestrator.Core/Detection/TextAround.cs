namespace ApprovalOrchestrator.Core.Detection;

/// <summary>Character tests and context look-ups the detectors share.</summary>
internal static class TextAround
{
    /// <summary>The number written by <paramref name="length"/> ASCII digits at <paramref name="at"/>.</summary>
    public static int Number(string s, int at, int length) =>
        int.Parse(s.AsSpan(at, length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);

    public static char At(string text, int index) => index >= 0 && index < text.Length ? text[index] : '\0';

    /// <summary>No letter or digit (of any script) touches the span on either side.</summary>
    public static bool IsolatedAlnum(string text, int start, int end) =>
        !char.IsLetterOrDigit(At(text, start - 1)) && !char.IsLetterOrDigit(At(text, end));

    /// <summary>
    /// Whether one of <paramref name="keywords"/> (lower-case) occurs as a whole word in the <paramref name="window"/>
    /// characters before <paramref name="start"/>.
    /// </summary>
    public static bool KeywordBefore(string text, int start, IReadOnlyList<string> keywords, int window = 32)
    {
        var from = Math.Max(0, start - window);
        var before = text.AsSpan(from, start - from);
        foreach (var keyword in keywords)
        {
            var offset = 0;
            while (offset < before.Length)
            {
                var at = before[offset..].IndexOf(keyword, StringComparison.OrdinalIgnoreCase);
                if (at < 0)
                {
                    break;
                }

                var s = offset + at;
                var e = s + keyword.Length;
                var leftOk = s == 0 ? from == 0 || !char.IsLetter(text[from - 1]) : !char.IsLetter(before[s - 1]);
                var rightOk = e >= before.Length || !char.IsLetter(before[e]);
                if (leftOk && rightOk)
                {
                    return true;
                }

                offset = s + 1;
            }
        }

        return false;
    }
}
