using System.Text.RegularExpressions;

namespace ApprovalOrchestrator.Core.Detection.Detectors;

/// <summary>
/// Provider keys and tokens recognised by their documented prefix and shape. Each entry is one provider's format;
/// a match must not be glued to more key characters on either side.
/// </summary>
public sealed class ApiKeyDetector : RegexDetector
{
    /// <summary>The formats, for docs and tests: name → pattern.</summary>
    internal static readonly (string Name, string Pattern)[] Formats =
    [
        ("aws-access-key-id", "(AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z2-7]{16}"),
        ("github-token", "gh[pousr]_[A-Za-z0-9]{36,251}"),
        ("github-fine-grained-pat", "github_pat_[A-Za-z0-9_]{22,255}"),
        ("gitlab-token", "(glpat|gldt|glrt|glptt|glft)-[A-Za-z0-9_-]{20,}"),
        ("slack-token", "xox[abprse]-[A-Za-z0-9-]{10,}"),
        ("slack-app-token", "xapp-[0-9]-[A-Za-z0-9-]{10,}"),
        ("stripe-secret-key", "(sk|rk)_(live|test)_[A-Za-z0-9]{16,}"),
        ("google-api-key", "AIza[0-9A-Za-z_-]{35}"),
        ("anthropic-key", "sk-ant-[a-z0-9]{2,8}-[A-Za-z0-9_-]{20,}"),
        ("openai-key", "sk-(proj|svcacct|admin|None)-[A-Za-z0-9_-]{20,}"),
        ("sk-key", "sk-[A-Za-z0-9]{20,}"),
        ("npm-token", "npm_[A-Za-z0-9]{36}"),
        ("pypi-token", "pypi-AgE[A-Za-z0-9_-]{50,}"),
        ("huggingface-token", "hf_[A-Za-z0-9]{34,}"),
        ("sendgrid-key", @"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}"),
        ("shopify-token", "shp(at|ca|pa|ss)_[a-fA-F0-9]{32}"),
        ("digitalocean-token", "do[opr]_v1_[a-f0-9]{64}"),
        ("square-token", "sq0(atp|csp)-[0-9A-Za-z_-]{22,}"),
        ("twilio-api-key", "SK[0-9a-f]{32}"),
    ];

    private static readonly Regex Candidate = Compile("(?<v>" + string.Join("|", Formats.Select(f => "(" + f.Pattern + ")")) + ")");

    public override string Id => DetectorIds.ApiKey;

    protected override Regex Pattern => Candidate;

    protected override (int Start, int Length)? Confirm(string text, Match match)
    {
        var v = match.Groups["v"];
        var before = TextAround.At(text, v.Index - 1);
        var after = TextAround.At(text, v.Index + v.Length);
        return char.IsAsciiLetterOrDigit(before) || before == '_' || char.IsAsciiLetterOrDigit(after)
            ? null
            : (v.Index, v.Length);
    }
}
