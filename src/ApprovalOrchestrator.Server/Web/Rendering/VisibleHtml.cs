using System.Net;
using System.Text;
using ApprovalOrchestrator.Core.Review;
using Microsoft.AspNetCore.Html;

namespace ApprovalOrchestrator.Server.Web.Rendering;

/// <summary>
/// HTML-encodes text for an approver with every invisible character (zero-width, bidi control, …) shown as a marked-up
/// marker (<see cref="VisibleText"/>), so what renders is what the action hash covers.
/// </summary>
public static class VisibleHtml
{
    public static IHtmlContent Encode(string text) => new HtmlString(EncodeToString(text));

    public static string EncodeToString(string text)
    {
        var html = new StringBuilder(text.Length + 16);
        foreach (var rune in text.EnumerateRunes())
        {
            html.Append(VisibleText.IsHidden(rune)
                ? $"<span class=\"hidden-char\" title=\"invisible character U+{rune.Value:X4}\">{WebUtility.HtmlEncode(VisibleText.Marker(rune))}</span>"
                : WebUtility.HtmlEncode(rune.ToString()));
        }

        return html.ToString();
    }
}
