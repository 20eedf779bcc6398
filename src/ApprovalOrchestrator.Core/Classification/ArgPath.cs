using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ApprovalOrchestrator.Core.Classification;

/// <summary>
/// A dotted path into the tool args (<c>amount</c>, <c>payment.amount</c>, <c>items[0].price</c>) resolved to every value it
/// can mean. Fail closed: property names match case-insensitively and duplicates all count, and a property step over an
/// array applies to each element, so <c>{"Amount": …}</c> or <c>[{"amount": …}]</c> cannot dodge a rule on <c>amount</c>.
/// </summary>
internal sealed partial class ArgPath
{
    private readonly (string? Property, int? Index)[] _steps;

    private ArgPath((string?, int?)[] steps) => _steps = steps;

    /// <summary>Parses <paramref name="path"/>: dot-separated names, each optionally followed by [index]; null when malformed.</summary>
    public static ArgPath? TryParse(string path)
    {
        var steps = new List<(string?, int?)>();
        foreach (var segment in path.Split('.'))
        {
            var match = Segment().Match(segment);
            if (!match.Success)
            {
                return null;
            }

            steps.Add((match.Groups["name"].Value, null));
            foreach (Capture index in match.Groups["index"].Captures)
            {
                if (!int.TryParse(index.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var i))
                {
                    return null;
                }

                steps.Add((null, i));
            }
        }

        return new ArgPath(steps.ToArray());
    }

    public IEnumerable<JsonElement> Resolve(JsonElement root)
    {
        IEnumerable<JsonElement> current = [root];
        foreach (var (property, index) in _steps)
        {
            current = property is not null ? current.SelectMany(e => Property(e, property)) : current.SelectMany(e => Index(e, index!.Value));
        }

        return current;
    }

    private static IEnumerable<JsonElement> Property(JsonElement element, string name) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().Where(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Select(p => p.Value),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(item => Property(item, name)),
        _ => [],
    };

    [GeneratedRegex(@"^(?<name>[^\[\].\s]+)(?:\[(?<index>[0-9]+)\])*$", RegexOptions.CultureInvariant)]
    private static partial Regex Segment();

    private static IEnumerable<JsonElement> Index(JsonElement element, int index) =>
        element.ValueKind == JsonValueKind.Array && index < element.GetArrayLength() ? [element[index]] : [];
}
