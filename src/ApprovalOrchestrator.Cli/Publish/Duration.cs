using System.Globalization;
using System.Text.RegularExpressions;

namespace ApprovalOrchestrator.Cli.Publish;

/// <summary>Durations as people type them: <c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h</c>, a bare number of seconds, or <c>00:01:30</c>.</summary>
internal static partial class Duration
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        var match = Pattern().Match(text.Trim());
        if (match.Success && double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            value = match.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(number),
                "m" => TimeSpan.FromMinutes(number),
                "h" => TimeSpan.FromHours(number),
                _ => TimeSpan.FromSeconds(number),
            };
            return value > TimeSpan.Zero;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value) && value > TimeSpan.Zero;
    }

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)(ms|s|m|h)?$")]
    private static partial Regex Pattern();
}
