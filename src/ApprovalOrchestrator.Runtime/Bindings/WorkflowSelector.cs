using ApprovalOrchestrator.Core.Bindings;
using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Runtime.Definitions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Runtime.Bindings;

/// <summary>
/// The one place that decides which definition a submitted request runs under; HTTP and bus intake both reach it through
/// <see cref="Engine.WorkflowEngine.SubmitAsync"/>. The binding that applies is the request's agent's, else the first
/// group binding (in document order) the submitter is in, else the default; bus submits carry no groups. A request's
/// <c>workflow</c> field must be that binding's workflow or in its <c>allowChoice</c>, else it is refused
/// (<see cref="SelectionOutcome.Forbidden"/>). A request naming no agent is matched again as the agent it will run as
/// (the selected definition's <c>execution.agentId</c>), so omitting the agent cannot dodge that agent's binding.
/// A bound workflow without a version in force refuses the request (<see cref="SelectionOutcome.Unavailable"/>).
/// </summary>
public sealed class WorkflowSelector(BindingCatalog bindings, DefinitionCatalog definitions, IOptions<WorkflowsOptions> options, ILogger<WorkflowSelector> logger)
{
    public async Task<WorkflowSelection> SelectAsync(string? agentId, string? requestedWorkflow, IReadOnlyCollection<string>? groups)
    {
        // Before the startup seed (or on a database that has none) the configured default applies, with no choice.
        var stored = await bindings.GetLatestAsync();
        var policy = stored?.Document.ToPolicy() ?? PolicyBindings.DefaultOnly(options.Value.Default);
        var version = stored?.Version ?? 0;

        var first = await ResolveAsync(policy.Applicable(agentId, groups), requestedWorkflow, version);
        if (first.Outcome != SelectionOutcome.Selected || agentId is not null)
        {
            return first;
        }

        var runsAs = first.Definition!.Definition.Execution.DefaultAgentId;
        var agentBinding = policy.ForAgent(runsAs);
        var selected = agentBinding is null || agentBinding == first.Binding
            ? first
            : await ResolveAsync((agentBinding, $"agent '{runsAs}'"), requestedWorkflow, version);
        return selected with { AgentId = runsAs };
    }

    private async Task<WorkflowSelection> ResolveAsync((Binding Binding, string Label) applicable, string? requested, int version)
    {
        var (binding, label) = applicable;
        if (requested is not null && !binding.Allows(requested))
        {
            var allowed = binding.AllowChoice.Count == 0 ? "none" : string.Join(", ", binding.AllowChoice);
            return WorkflowSelection.Refused(SelectionOutcome.Forbidden, new FieldError(
                "workflow",
                $"may not be chosen by this caller: the {label} binding (bindings v{version}) runs '{binding.Workflow}' and allows choosing: {allowed}. Omit 'workflow'."));
        }

        var workflow = requested ?? binding.Workflow;
        var definition = await definitions.GetLatestAsync(workflow);
        if (definition is null)
        {
            logger.LogWarning("Request refused: workflow {Workflow} (the {Binding} binding, bindings v{Version}) has no version in force", workflow, label, version);
            return WorkflowSelection.Refused(SelectionOutcome.Unavailable, new FieldError(
                "workflow",
                $"Workflow '{workflow}' (the {label} binding, bindings v{version}) has no published version in force; the request was refused, nothing ran."));
        }

        return new WorkflowSelection(SelectionOutcome.Selected, definition, binding, label, version, null, null);
    }
}

public enum SelectionOutcome
{
    Selected,

    /// <summary>The request names a workflow its binding does not let it choose.</summary>
    Forbidden,

    /// <summary>The workflow the binding (or the allowed choice) names has no version in force: fail closed.</summary>
    Unavailable,
}

/// <summary>
/// The outcome of <see cref="WorkflowSelector.SelectAsync"/>: the definition, the binding that chose it (label and bindings
/// version, for messages and logs), and the agent when the request named none; or the refusal.
/// </summary>
public sealed record WorkflowSelection(
    SelectionOutcome Outcome,
    PublishedDefinition? Definition,
    Binding? Binding,
    string? BindingLabel,
    int BindingsVersion,
    string? AgentId,
    FieldError? Error)
{
    public static WorkflowSelection Refused(SelectionOutcome outcome, FieldError error) => new(outcome, null, null, null, 0, null, error);
}
