namespace ApprovalOrchestrator.Runtime.Definitions;

/// <summary>Configuration section <c>Workflows</c>.</summary>
public sealed class WorkflowsOptions
{
    public const string Section = "Workflows";

    /// <summary>Folder of YAML/JSON definitions imported at startup. Relative paths resolve against the content root.</summary>
    public string? Directory { get; set; }

    /// <summary>Seeds the default binding: the definition a request runs under when no agent or group binding applies.</summary>
    public string Default { get; set; } = "agent-action-approval";

    /// <summary>Seeds the default binding's <c>allowChoice</c>: workflows any submitter may name in <c>workflow</c>. Empty by default.</summary>
    public List<string> AllowChoice { get; set; } = [];
}
