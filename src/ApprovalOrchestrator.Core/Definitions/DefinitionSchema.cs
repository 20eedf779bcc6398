using System.Text.Json;
using Json.Schema;

namespace ApprovalOrchestrator.Core.Definitions;

/// <summary>The JSON Schema (draft 2020-12) of the definition format, embedded in this assembly, for editors and the API.</summary>
public static class DefinitionSchema
{
    private const string ResourceName = "ApprovalOrchestrator.Core.Definitions.workflow-definition.schema.json";

    private static readonly Lazy<string> Text = new(() =>
    {
        using var stream = typeof(DefinitionSchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    private static readonly Lazy<JsonSchema> Compiled = new(() => JsonSchema.FromText(Text.Value));

    /// <summary>The schema document as JSON text (served as <c>application/schema+json</c>).</summary>
    public static string Json => Text.Value;

    /// <summary>
    /// Every place where <paramref name="document"/> (the definition as JSON, see <see cref="YamlToJson"/>) breaks the
    /// schema: the instance's JSON pointer and the library's message, one per failing keyword, in document order.
    /// </summary>
    public static IReadOnlyList<SchemaViolation> Evaluate(JsonElement document)
    {
        var results = Compiled.Value.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        var violations = new List<SchemaViolation>();
        Collect(results, violations);
        return violations;
    }

    // Only down failing branches: a subschema that failed under one that passed (an `if`, the other arms of a `oneOf`)
    // is how the schema chose, not a problem in the document.
    private static void Collect(EvaluationResults node, List<SchemaViolation> violations)
    {
        if (node.IsValid)
        {
            return;
        }

        foreach (var (keyword, message) in node.Errors ?? new Dictionary<string, string>())
        {
            Add(violations, new SchemaViolation(node.InstanceLocation.ToString(), keyword, message));
        }

        var failedChildren = (node.Details ?? []).Where(c => !c.IsValid).ToList();
        if (node.Errors is not { Count: > 0 } && failedChildren.Count == 0)
        {
            // The library names no message for some failures (a `oneOf` whose arms all fail, a `not`): name the keyword.
            var evaluationPath = node.EvaluationPath.ToString();
            var keyword = evaluationPath.Split('/').LastOrDefault(s => s.Length > 0 && !s.All(char.IsAsciiDigit)) ?? string.Empty;
            Add(violations, new SchemaViolation(node.InstanceLocation.ToString(), keyword, $"does not satisfy the schema at {evaluationPath}"));
        }

        foreach (var child in failedChildren)
        {
            Collect(child, violations);
        }
    }

    private static void Add(List<SchemaViolation> violations, SchemaViolation violation)
    {
        if (!violations.Contains(violation))
        {
            violations.Add(violation);
        }
    }
}

/// <summary>One schema failure: <see cref="Pointer"/> is the RFC 6901 JSON pointer into the document ("" for the whole).</summary>
public sealed record SchemaViolation(string Pointer, string Keyword, string Message);
