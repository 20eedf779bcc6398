namespace ApprovalOrchestrator.Core.Classification;

/// <summary>Splits normalised text into words: runs of letters or digits; everything else separates.</summary>
internal static class WordTokenizer
{
    public static IReadOnlyList<string> Tokenize(string normalized)
    {
        var words = new List<string>();
        var start = -1;
        for (var i = 0; i <= normalized.Length; i++)
        {
            var isWordChar = i < normalized.Length && char.IsLetterOrDigit(normalized[i]);
            if (isWordChar && start < 0)
            {
                start = i;
            }
            else if (!isWordChar && start >= 0)
            {
                words.Add(normalized[start..i]);
                start = -1;
            }
        }

        return words;
    }
}
