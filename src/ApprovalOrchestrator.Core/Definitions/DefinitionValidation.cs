using System.Text;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ApprovalOrchestrator.Core.Definitions;

/// <summary>
/// What validate and publish check: the parser (meaning: groups, references, rule semantics) and the embedded JSON Schema
/// (shape, the same check authors' editors run). The parser is the authority; a schema failure is reported only where
/// the parser found nothing at that place, above it or below it, so one problem never shows up twice. Schema errors use
/// the parser's path form (so editors and problem-details name the field the same way) and carry the JSON pointer and
/// keyword in the message. Stored versions are re-read with <see cref="DefinitionParser.Parse"/> alone: a schema change
/// must not make published history unreadable.
/// </summary>
public static class DefinitionValidation
{
    public static DefinitionParseResult Validate(string source, IReadOnlySet<string>? knownGroups = null, IReadOnlyDictionary<string, int>? groupSizes = null)
    {
        var parsed = DefinitionParser.Parse(source, knownGroups, groupSizes);
        // Over budget (a YAML bomb) was refused before any tree was built: the schema must not build one either.
        if (parsed.IsRefused || SchemaViolations(source) is not { Count: > 0 } violations)
        {
            return parsed;
        }

        var errors = parsed.Errors.ToList();
        foreach (var violation in violations)
        {
            var path = ToPath(violation.Pointer);
            if (!errors.Any(e => Overlaps(e.Path, path)))
            {
                errors.Add(new DefinitionError(path, $"{violation.Message} (schema '{violation.Keyword}' at {(violation.Pointer.Length == 0 ? "/" : violation.Pointer)})"));
            }
        }

        return new DefinitionParseResult(parsed.Definition, errors, parsed.Hash, parsed.Warnings);
    }

    private static IReadOnlyList<SchemaViolation>? SchemaViolations(string source)
    {
        YamlNode? root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(source.TrimStart('\uFEFF')));
            root = stream.Documents.Count == 1 ? stream.Documents[0].RootNode : null;
        }
        catch (YamlException)
        {
            return null; // the parser reports the syntax error with its line
        }

        return root is null ? null : DefinitionSchema.Evaluate(JsonSerializer.SerializeToElement(YamlToJson.Node(root)));
    }

    /// <summary>Same place, or one inside the other (the whole document, "", overlaps only itself).</summary>
    private static bool Overlaps(string a, string b) =>
        a == b || (a.Length > 0 && b.Length > 0 && (Inside(a, b) || Inside(b, a)));

    private static bool Inside(string inner, string outer) =>
        inner.StartsWith(outer, StringComparison.Ordinal) && inner.Length > outer.Length && inner[outer.Length] is '.' or '[';

    /// <summary><c>/routes/amber/tiers/0/timeout</c> → <c>routes.amber.tiers[0].timeout</c>, the parser's form.</summary>
    internal static string ToPath(string pointer)
    {
        var path = new StringBuilder();
        foreach (var raw in pointer.Split('/').Skip(1))
        {
            var segment = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (segment.Length > 0 && segment.All(char.IsAsciiDigit))
            {
                path.Append('[').Append(segment).Append(']');
            }
            else
            {
                path.Append(path.Length == 0 ? string.Empty : ".").Append(segment);
            }
        }

        return path.ToString();
    }
}
