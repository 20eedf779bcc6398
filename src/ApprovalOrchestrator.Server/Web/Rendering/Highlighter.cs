using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using ApprovalOrchestrator.Core.Classification;
using Microsoft.AspNetCore.Html;

namespace ApprovalOrchestrator.Server.Web.Rendering;

/// <summary>
/// Wraps the words of a request that made the policy flag it in <c>&lt;mark&gt;</c>, server-side. Each word of the text is
/// tested with the classifier's own <see cref="TermMatcher"/> against each word of the matched terms, so inflections
/// ("emails", "deleted") are marked exactly as they were matched. Everything else is HTML-encoded, with invisible
/// characters shown as markers (<see cref="VisibleHtml"/>).
/// </summary>
public static partial class Highlighter
{
    public static IHtmlContent Highlight(string text, IEnumerable<string> matchedTerms)
    {
        var matchers = matchedTerms
            .SelectMany(t => Word().Matches(TextNormalizer.Normalize(t)).Select(m => m.Value))
            .Distinct(StringComparer.Ordinal)
            .Select(w => new TermMatcher(w))
            .ToList();
        var html = new StringBuilder(text.Length + 64);
        var last = 0;
        foreach (Match word in Word().Matches(text))
        {
            html.Append(VisibleHtml.EncodeToString(text[last..word.Index]));
            var encoded = WebUtility.HtmlEncode(word.Value);
            html.Append(matchers.Any(m => m.IsMatch(word.Value)) ? $"<mark>{encoded}</mark>" : encoded);
            last = word.Index + word.Length;
        }

        html.Append(VisibleHtml.EncodeToString(text[last..]));
        return new HtmlString(html.ToString());
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Word();
}
