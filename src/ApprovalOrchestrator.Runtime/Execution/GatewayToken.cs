using System.Diagnostics.CodeAnalysis;

namespace ApprovalOrchestrator.Runtime.Execution;

/// <summary>
/// Resolves the Gateway token (an owner credential) and scrubs it out of text we keep.
/// <see cref="GatewayOptions.TokenFile"/> is re-read on every call so a rotated token is picked up without a restart.
/// </summary>
internal static class GatewayToken
{
    public const string Redacted = "[redacted]";

    public static bool TryResolve(GatewayOptions options, [NotNullWhen(true)] out string? token, [NotNullWhen(false)] out string? problem)
    {
        token = null;
        problem = null;
        if (!string.IsNullOrWhiteSpace(options.Token))
        {
            token = options.Token.Trim();
            return true;
        }

        if (string.IsNullOrWhiteSpace(options.TokenFile))
        {
            problem = "No Gateway token configured (set Gateway:Token or Gateway:TokenFile).";
            return false;
        }

        try
        {
            var text = File.ReadAllText(options.TokenFile).Trim();
            if (text.Length == 0)
            {
                problem = $"Gateway token file '{options.TokenFile}' is empty.";
                return false;
            }

            token = text;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The message names the path only, never the content.
            problem = $"Gateway token file could not be read: {ex.Message}";
            return false;
        }
    }

    /// <summary>Replaces every occurrence of the token: a hostile or buggy Gateway could echo it back.</summary>
    [return: NotNullIfNotNull(nameof(text))]
    public static string? Scrub(string? text, string? token) =>
        text is null || string.IsNullOrEmpty(token) ? text : text.Replace(token, Redacted, StringComparison.Ordinal);
}
