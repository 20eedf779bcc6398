using System.Text.RegularExpressions;

namespace ApprovalOrchestrator.Core.Classification;

/// <summary>
/// Masks personal data and secrets in text that leaves the orchestrator for notification channels:
/// e-mail addresses, long digit runs (account, card and phone numbers) and credential-looking strings.
/// </summary>
public static partial class Redactor
{
    public static string Redact(string text)
    {
        var result = Email().Replace(text, "[email]");
        result = Secret().Replace(result, "[secret]");
        return Digits().Replace(result, "[number]");
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex Email();

    // Key-like tokens: 20+ characters from a key alphabet that mix letters and digits (sk-…, ghp_…, base64 blobs).
    [GeneratedRegex(@"\b(?=[A-Za-z0-9_\-]*[0-9])(?=[A-Za-z0-9_\-]*[A-Za-z])[A-Za-z0-9_\-]{20,}\b", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex Secret();

    [GeneratedRegex(@"(?<!\w)\+?\d[\d \-]{5,}\d(?!\w)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex Digits();
}
