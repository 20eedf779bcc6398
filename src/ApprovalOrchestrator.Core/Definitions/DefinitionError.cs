namespace ApprovalOrchestrator.Core.Definitions;

/// <summary>One problem in a definition source. <see cref="Path"/> locates it, e.g. <c>routes.amber.tiers[0].timeout</c>; empty for the whole document.</summary>
public sealed record DefinitionError(string Path, string Message)
{
    public override string ToString() => Path.Length == 0 ? Message : $"{Path}: {Message}";
}
