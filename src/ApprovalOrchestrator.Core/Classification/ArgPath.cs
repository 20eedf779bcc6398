using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ApprovalOrchestrator.Core.Classification;

/// <summary>
/// A dotted path into the tool args (<c>amount</c>, <c>payment.amount</c>, <c>items[0].price</c>) resolved to every value it
/// can mean. Fail closed: property names match case-insensitively and duplicates all count, and a property step over an
/// array applies to each element, so <c>{"Amount": …}</c> or <c>[{"amount": …}]</c> cannot dodge a rule on <c>amount</c>.
/// A name that equals the step only once folded (<c>amоunt</c> with a Cyrillic <c>о</c>, <c>amount</c> + U+200B) is found
/// too, flagged as a look-alike so the comparison on it is at most indeterminate.
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

    /// <summary>Every value at the path, and whether a name on the way matched only as a look-alike.</summary>
    public IEnumerable<(JsonElement Value, bool LookAlike)> Resolve(JsonElement root)
    {
        IEnumerable<(JsonElement Value, bool LookAlike)> current = [(root, false)];
        foreach (var (property, index) in _steps)
        {
            current = property is not null
                ? current.SelectMany(e => Property(e.Value, property, FoldedText.Of(property)).Select(p => (p.Value, e.LookAlike || p.LookAlike)))
                : current.SelectMany(e => Index(e.Value, index!.Value).Select(v => (v, e.LookAlike)));
        }

        return current;
    }

    private static IEnumerable<(JsonElement Value, bool LookAlike)> Property(JsonElement element, string name, FoldedText folded) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject()
            .Select(p => (p.Value, Same: string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase) ? Truth.True : FoldedText.Of(p.Name).EqualTo(folded) is Truth.False ? Truth.False : Truth.Unknown))
            .Where(p => p.Same != Truth.False)
            .Select(p => (p.Value, p.Same == Truth.Unknown)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(item => Property(item, name, folded)),
        _ => [],
    };

    [GeneratedRegex(@"^(?<name>[^\[\].\s]+)(?:\[(?<index>[0-9]+)\])*$", RegexOptions.CultureInvariant)]
    private static partial Regex Segment();

    private static IEnumerable<JsonElement> Index(JsonElement element, int index) =>
        element.ValueKind == JsonValueKind.Array && index < element.GetArrayLength() ? [element[index]] : [];
}
