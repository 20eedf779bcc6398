namespace ApprovalOrchestrator.Core.Definitions;

/// <summary>
/// Either a valid definition or every error found in the source (never a partial definition); warnings either way.
/// Warnings (terms under two risks, rules that can never match) do not prevent publishing.
/// </summary>
public sealed class DefinitionParseResult
{
    public DefinitionParseResult(WorkflowDefinition? definition, IReadOnlyList<DefinitionError> errors, string hash, IReadOnlyList<DefinitionError>? warnings = null)
    {
        Definition = errors.Count == 0 ? definition : null;
        Errors = errors;
        Hash = hash;
        Warnings = warnings ?? [];
    }

    public WorkflowDefinition? Definition { get; }

    public IReadOnlyList<DefinitionError> Errors { get; }

    public IReadOnlyList<DefinitionError> Warnings { get; }

    /// <summary>Content hash of the source (see <see cref="DefinitionHash"/>), computed even when invalid.</summary>
    public string Hash { get; }

    public bool IsValid => Definition is not null;
}
