using System.Text.Json;

namespace ApprovalOrchestrator.Core.Classification;

/// <summary>One request, prepared once for every rule: each matchable field folded and split into words on its own.</summary>
internal sealed class RequestFacts
{
    private readonly string?[] _deconfused;

    private readonly IReadOnlyList<string> _raw;

    private RequestFacts(PolicyInput input, IReadOnlyList<(string Label, string Raw)> fields)
    {
        Input = input;
        _raw = fields.Select(f => f.Raw).ToArray();
        Fields = fields.Select(f => (f.Label, TextNormalizer.Normalize(f.Raw))).ToArray();
        var skeletons = new Dictionary<string, string>(StringComparer.Ordinal);
        // Each field is split on its own so a term never spans two fields (text "... transfer" + tool "funds").
        Words = fields.Select(f => FieldWords.Of(f.Raw, skeletons)).ToList();
        _deconfused = new string?[fields.Count];
    }

    public PolicyInput Input { get; }

    /// <summary>
    /// Text, tool name, action, and every property name and string/number value in the args (nested objects and arrays
    /// too), each in its plain fold (see <see cref="TextNormalizer.Normalize"/>).
    /// </summary>
    public IReadOnlyList<(string Label, string Normalized)> Fields { get; }

    public IReadOnlyList<FieldWords> Words { get; }

    /// <summary>Field <paramref name="index"/> with its non-ASCII look-alikes replaced (<see cref="TextNormalizer.Deconfuse"/>).</summary>
    public string Deconfused(int index) => _deconfused[index] ??= TextNormalizer.Deconfuse(_raw[index]);

    public static RequestFacts From(PolicyInput input)
    {
        var raw = new List<(string, string)> { ("text", input.Text) };
        if (input.ToolName is { } name)
        {
            raw.Add(("tool", name));
        }

        if (input.ToolAction is { } action)
        {
            raw.Add(("action", action));
        }

        if (input.ToolArgs is { } args)
        {
            CollectValues(args, raw);
        }

        return new RequestFacts(input, raw);
    }

    // Agents can hide the action in arguments ({"command":"sudo rm"}) or in their names ({"wire_money": true}),
    // so every property name and every string and number is scanned.
    private static void CollectValues(JsonElement element, List<(string, string)> into)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                into.Add(("args", element.GetString() ?? string.Empty));
                break;
            case JsonValueKind.Number:
                into.Add(("args", element.GetRawText()));
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    CollectValues(item, into);
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    into.Add(("arg names", property.Name));
                    CollectValues(property.Value, into);
                }

                break;
        }
    }
}
