namespace ApprovalOrchestrator.Core.Definitions;

/// <summary>Either a valid definition or every error found in the source (never a partial definition).</summary>
public sealed class DefinitionParseResult
{
    public DefinitionParseResult(WorkflowDefinition? definition, IReadOnlyList<DefinitionError> errors, string hash)
    {
        Definition = errors.Count == 0 ? definition : null;
        Errors = errors;
        Hash = hash;
    }

    public WorkflowDefinition? Definition { get; }

    public IReadOnlyList<DefinitionError> Errors { get; }

    /// <summary>Content hash of the source (see <see cref="DefinitionHash"/>), computed even when invalid.</summary>
    public string Hash { get; }

    public bool IsValid => Definition is not null;
}
