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

    /// <summary>The schema document as JSON text (served as <c>application/schema+json</c>).</summary>
    public static string Json => Text.Value;
}
