namespace ApprovalOrchestrator.Runtime.Definitions;

/// <summary>Configuration section <c>Workflows</c>.</summary>
public sealed class WorkflowsOptions
{
    public const string Section = "Workflows";

    /// <summary>Folder of YAML/JSON definitions imported at startup. Relative paths resolve against the content root.</summary>
    public string? Directory { get; set; }

    /// <summary>The definition a request runs under when it names none.</summary>
    public string Default { get; set; } = "agent-action-approval";
}
