namespace ApprovalOrchestrator.Core.Detection.Detectors;

/// <summary>
/// A run of digit groups joined by single separators, as numbers are written by hand: <c>4111 1111 1111 1111</c>,
/// <c>+44 (0)20 7946-0958</c>. Read left to right once; detectors then decide how many leading groups form a value.
/// </summary>
internal sealed class DigitGroups
{
    /// <param name="End">After the group's last digit, or after its closing parenthesis.</param>
    /// <param name="SeparatorBefore">' ', '-', '.', '(' or ')' (a parenthesis touches the group), '\0' for the first.</param>
    public readonly record struct Group(int DigitsStart, int DigitsEnd, int End, char SeparatorBefore, bool Parenthesized)
    {
        public int Length => DigitsEnd - DigitsStart;
    }

    private readonly string _text;

    private DigitGroups(string text, int start, bool plus)
    {
        _text = text;
        Start = start;
        Plus = plus;
    }

    /// <summary>Where the run starts: its '+' or '(' or first digit.</summary>
    public int Start { get; }

    public bool Plus { get; }

    public List<Group> Groups { get; } = [];

    public int Count => Groups.Count;

    /// <summary>The end of the value the first <paramref name="groups"/> groups form.</summary>
    public int EndOf(int groups) => Groups[groups - 1].End;

    /// <summary>The end of the whole run.</summary>
    public int End => Groups[^1].End;

    /// <summary>
    /// How many leading groups hold at most <paramref name="maxDigits"/> digits. Detectors try only those prefixes, so
    /// a run of a million one-digit groups costs one pass, not a pass per prefix.
    /// </summary>
    public int GroupsWithin(int maxDigits)
    {
        var digits = 0;
        for (var k = 0; k < Count; k++)
        {
            digits += Groups[k].Length;
            if (digits > maxDigits)
            {
                return k;
            }
        }

        return Count;
    }

    public int DigitCount(int groups)
    {
        var n = 0;
        for (var i = 0; i < groups; i++)
        {
            n += Groups[i].Length;
        }

        return n;
    }

    public string Digits(int groups)
    {
        var chars = new char[DigitCount(groups)];
        var n = 0;
        for (var i = 0; i < groups; i++)
        {
            _text.CopyTo(Groups[i].DigitsStart, chars, n, Groups[i].Length);
            n += Groups[i].Length;
        }

        return new string(chars);
    }

    /// <summary>Whether every separator among the first <paramref name="groups"/> groups is <paramref name="c"/>.</summary>
    public bool SeparatorsAre(int groups, char c)
    {
        for (var i = 1; i < groups; i++)
        {
            if (Groups[i].SeparatorBefore != c)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Every run in <paramref name="text"/> that starts where <paramref name="startsRun"/> says, read once each: the scan
    /// resumes after a run, so the whole text is one pass.
    /// </summary>
    public static IEnumerable<DigitGroups> RunsIn(string text, bool phoneLike, Func<string, int, bool> startsRun)
    {
        var i = 0;
        while (i < text.Length)
        {
            if (!startsRun(text, i))
            {
                i++;
                continue;
            }

            var run = Read(text, i, phoneLike);
            if (run.Count == 0)
            {
                i++;
                continue;
            }

            yield return run;
            i = run.End;
        }
    }

    /// <summary>A digit with no letter or digit before it.</summary>
    public static bool StartsAfterBoundary(string text, int i) => char.IsAsciiDigit(text[i]) && !char.IsLetterOrDigit(TextAround.At(text, i - 1));

    /// <summary>
    /// Reads from <paramref name="start"/> (a digit, or '+' / '(' when <paramref name="phoneLike"/>): groups of digits
    /// with one space, '-' or '.' between them, and for phones parenthesised groups (<c>(0)</c>, <c>(555)</c>).
    /// </summary>
    public static DigitGroups Read(string text, int start, bool phoneLike)
    {
        var i = start;
        var plus = phoneLike && text[i] == '+';
        if (plus)
        {
            i++;
        }

        var g = new DigitGroups(text, start, plus);
        var separator = '\0';
        while (i < text.Length)
        {
            var paren = phoneLike && text[i] == '(';
            var j = paren ? i + 1 : i;
            var ds = j;
            while (j < text.Length && char.IsAsciiDigit(text[j]))
            {
                j++;
            }

            if (j == ds || (paren && TextAround.At(text, j) != ')'))
            {
                break;
            }

            var de = j;
            if (paren)
            {
                j++;
            }

            g.Groups.Add(new Group(ds, de, j, separator, paren));
            i = j;
            var c = TextAround.At(text, i);
            var next = TextAround.At(text, i + 1);
            if (c is ' ' or '-' or '.' && (char.IsAsciiDigit(next) || (phoneLike && next == '(')))
            {
                separator = c;
                i++;
            }
            else if (phoneLike && paren && char.IsAsciiDigit(c))
            {
                separator = ')'; // "(0)20"
            }
            else if (phoneLike && c == '(')
            {
                separator = '('; // "44(0)"
            }
            else
            {
                break;
            }
        }

        return g;
    }
}
