namespace ApprovalOrchestrator.Core.Definitions;

/// <summary>
/// Either a valid definition or every error found in the source (never a partial definition); warnings either way.
/// Warnings (terms under two risks, rules that can never match) do not prevent publishing.
/// </summary>
public sealed class DefinitionParseResult
{
    public DefinitionParseResult(WorkflowDefinition? definition, IReadOnlyList<DefinitionError> errors, string hash, IReadOnlyList<DefinitionError>? warnings = null, bool isRefused = false)
    {
        Definition = errors.Count == 0 ? definition : null;
        Errors = errors;
        Hash = hash;
        Warnings = warnings ?? [];
        IsRefused = isRefused && errors.Count > 0;
    }

    /// <summary>
    /// The source exceeds the parser's budget (nesting or alias expansion, see docs/definitions.md "Limits") and was not
    /// read at all: endpoints answer 422 instead of keeping or reporting it as a definition.
    /// </summary>
    public bool IsRefused { get; }

    public WorkflowDefinition? Definition { get; }

    public IReadOnlyList<DefinitionError> Errors { get; }

    public IReadOnlyList<DefinitionError> Warnings { get; }

    /// <summary>Content hash of the source (see <see cref="DefinitionHash"/>), computed even when invalid.</summary>
    public string Hash { get; }

    public bool IsValid => Definition is not null;
}
