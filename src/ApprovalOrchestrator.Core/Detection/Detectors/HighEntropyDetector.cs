using System.Text.RegularExpressions;

namespace ApprovalOrchestrator.Core.Detection.Detectors;

/// <summary>
/// Random-looking tokens no prefix rule knows: maximal runs of the base64/base64url alphabet (<c>A–Z a–z 0–9 + / _ -</c>,
/// with up to two trailing <c>=</c>). A token counts when
/// <list type="bullet">
/// <item>it has at least <see cref="MinLength"/> characters, mixes upper case, lower case and digits, has a Shannon
/// entropy of at least <see cref="MinEntropy"/> bits per character, and less than <see cref="MaxWordShare"/> of it
/// is word-like letter runs (4+ letters: <c>Word</c>, <c>word</c>, <c>WORD</c>) — which keeps camel-case
/// identifiers such as <c>getUserById2FromCache</c> out; or</item>
/// <item>it follows a word that names a secret (<c>secret</c>, <c>token</c>, <c>password</c>, <c>key</c>,
/// <c>bearer</c>…), has at least <see cref="MinLengthAfterSecretWord"/> characters, letters and digits, and
/// <see cref="MinEntropyAfterSecretWord"/> bits — hex and UUID-shaped secrets count there.</item>
/// </list>
/// Hex strings (git SHAs, hashes) and UUIDs have a single letter case, so without a secret word they are never
/// high-entropy; neither is the payload of a <c>data:…;base64,</c> URI (an inline image is not a secret), the body of
/// a certificate or public-key PEM block, an OpenSSH public key (<c>ssh-ed25519 AAAA…</c>), or a Stripe publishable
/// key or object id (<c>pk_live_</c>, <c>price_</c>, <c>cus_</c>…).
/// </summary>
public sealed class HighEntropyDetector : IDetector
{
    public const int MinLength = 20;
    public const double MinEntropy = 3.5;
    public const double MaxWordShare = 0.5;
    public const int MinLengthAfterSecretWord = 16;
    public const double MinEntropyAfterSecretWord = 3.0;

    private static readonly string[] SecretWords =
    [
        "secret", "token", "password", "passwd", "pwd", "passphrase", "apikey", "api key", "key", "auth",
        "authorization", "bearer", "credential", "credentials", "signature", "sig",
    ];

    public string Id => DetectorIds.HighEntropy;

    public IEnumerable<Finding> Find(string text)
    {
        var publicBlocks = PublicPem.Matches(text).Select(m => (m.Index, End: m.Index + m.Length)).ToList();
        var i = 0;
        while (i < text.Length)
        {
            if (!IsTokenChar(text[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && IsTokenChar(text[i]))
            {
                i++;
            }

            var end = i;
            while (i < text.Length && i - end < 2 && text[i] == '=')
            {
                i++;
            }

            // Trailing '-' / '_' are punctuation more often than key material.
            var s = start;
            while (s < end && text[s] is '-' or '_')
            {
                s++;
            }

            var e = end;
            while (e > s && text[e - 1] is '-' or '_')
            {
                e--;
            }

            if (e - s >= MinLengthAfterSecretWord && !InDataUri(text, start) && !PublicByDesign(text, s, publicBlocks) && Counts(text.AsSpan(s, e - s), TextAround.KeywordBefore(text, s, SecretWords, 24)))
            {
                yield return new Finding(Id, s, (e == end ? i : e) - s);
            }
        }
    }

    /// <summary>
    /// Certificates and public keys are base64 too but publish nothing secret; Stripe publishable keys are meant for
    /// browsers.
    /// </summary>
    private const string PublicKinds = "(CERTIFICATE|PUBLIC KEY|RSA PUBLIC KEY|X509 CRL|CERTIFICATE REQUEST|PGP PUBLIC KEY BLOCK|SSH2 PUBLIC KEY)";

    private static readonly Regex PublicPem = new(
        $@"-----BEGIN {PublicKinds}-----[\s\S]*?-----END {PublicKinds}-----", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);

    /// <summary>Stripe publishable keys and object ids: public by design.</summary>
    private static readonly string[] PublicPrefixes =
        ["pk_live_", "pk_test_", "price_", "prod_", "cus_", "pi_", "ch_", "sub_", "in_", "evt_", "acct_", "pm_", "seti_", "txn_", "re_", "po_", "src_", "tok_"];

    /// <summary>An OpenSSH public key line: the base64 after the algorithm name is the public key.</summary>
    private static readonly string[] SshPublicKeyTypes =
        ["ssh-rsa ", "ssh-ed25519 ", "ssh-dss ", "ecdsa-sha2-nistp256 ", "ecdsa-sha2-nistp384 ", "ecdsa-sha2-nistp521 ", "sk-ssh-ed25519@openssh.com "];

    private static bool PublicByDesign(string text, int start, List<(int Index, int End)> publicBlocks)
    {
        foreach (var (index, end) in publicBlocks)
        {
            if (start >= index && start < end)
            {
                return true;
            }
        }

        foreach (var type in SshPublicKeyTypes)
        {
            if (start >= type.Length && text.AsSpan(start - type.Length, type.Length).Equals(type, StringComparison.Ordinal))
            {
                return true;
            }
        }

        foreach (var prefix in PublicPrefixes)
        {
            if (text.AsSpan(start).StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '_' or '-';

    private static bool InDataUri(string text, int start) =>
        start >= 7 && text.AsSpan(start - 7, 7).Equals("base64,", StringComparison.OrdinalIgnoreCase);

    internal static bool Counts(ReadOnlySpan<char> token, bool afterSecretWord)
    {
        bool upper = false, lower = false, digit = false;
        foreach (var c in token)
        {
            upper |= char.IsAsciiLetterUpper(c);
            lower |= char.IsAsciiLetterLower(c);
            digit |= char.IsAsciiDigit(c);
        }

        if (afterSecretWord && digit && (upper || lower) && Entropy(token) >= MinEntropyAfterSecretWord)
        {
            return true;
        }

        return token.Length >= MinLength && upper && lower && digit && Entropy(token) >= MinEntropy && WordShare(token) < MaxWordShare;
    }

    /// <summary>Shannon entropy in bits per character.</summary>
    internal static double Entropy(ReadOnlySpan<char> token)
    {
        Span<int> counts = stackalloc int[128];
        foreach (var c in token)
        {
            counts[c & 0x7F]++;
        }

        var h = 0.0;
        foreach (var n in counts)
        {
            if (n > 0)
            {
                var p = (double)n / token.Length;
                h -= p * Math.Log2(p);
            }
        }

        return h;
    }

    /// <summary>The share of characters in letter runs of 4+ (an optional capital then lower case, or all capitals).</summary>
    internal static double WordShare(ReadOnlySpan<char> token)
    {
        var inWords = 0;
        var i = 0;
        while (i < token.Length)
        {
            var s = i;
            if (char.IsAsciiLetterUpper(token[i]))
            {
                i++;
                if (i < token.Length && char.IsAsciiLetterLower(token[i]))
                {
                    while (i < token.Length && char.IsAsciiLetterLower(token[i]))
                    {
                        i++;
                    }
                }
                else
                {
                    while (i < token.Length && char.IsAsciiLetterUpper(token[i]))
                    {
                        i++;
                    }
                }
            }
            else if (char.IsAsciiLetterLower(token[i]))
            {
                while (i < token.Length && char.IsAsciiLetterLower(token[i]))
                {
                    i++;
                }
            }
            else
            {
                i++;
                continue;
            }

            if (i - s >= 4)
            {
                inWords += i - s;
            }
        }

        return (double)inWords / token.Length;
    }
}
