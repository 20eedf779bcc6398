using System.Text.Json;

namespace ApprovalOrchestrator.Core.Classification;

/// <summary>One request, prepared once for every rule: each matchable field normalised and tokenised on its own.</summary>
internal sealed class RequestFacts
{
    private RequestFacts(PolicyInput input, IReadOnlyList<(string Label, string Normalized)> fields)
    {
        Input = input;
        Fields = fields;
        // Each field is tokenised on its own so a term never spans two fields (text "... transfer" + tool "funds").
        Tokens = fields.Select(f => WordTokenizer.Tokenize(f.Normalized)).ToList();
    }

    public PolicyInput Input { get; }

    /// <summary>Text, tool name, action and every string/number in the args, each normalised (see <see cref="TextNormalizer"/>).</summary>
    public IReadOnlyList<(string Label, string Normalized)> Fields { get; }

    public IReadOnlyList<IReadOnlyList<string>> Tokens { get; }

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

        return new RequestFacts(input, raw.Select(f => (f.Item1, TextNormalizer.Normalize(f.Item2))).ToList());
    }

    // Agents can hide the action in arguments ({"command":"sudo rm"}), so every string and number is scanned.
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
                    CollectValues(property.Value, into);
                }

                break;
        }
    }
}
