namespace ApprovalOrchestrator.Core.Bindings;

/// <summary>
/// Which workflow definition a request runs under. Admins manage this document (versioned, audited); the caller never
/// picks its own policy. Precedence: the binding of the request's agent, else the first entry of <see cref="Groups"/>
/// (in list order) whose group the submitter is in, else <see cref="Default"/>.
/// </summary>
public sealed record PolicyBindings(Binding Default, IReadOnlyList<AgentBinding> Agents, IReadOnlyList<GroupBinding> Groups)
{
    /// <summary>Only a default binding to <paramref name="workflow"/> (how <c>Workflows:Default</c> seeds the document).</summary>
    public static PolicyBindings DefaultOnly(string workflow, IReadOnlyList<string>? allowChoice = null) => new(new Binding(workflow, allowChoice ?? []), [], []);

    /// <summary>The binding that applies, by precedence, and a label naming it for messages (<c>agent 'ops'</c>, <c>group 'finance'</c>, <c>default</c>).</summary>
    public (Binding Binding, string Label) Applicable(string? agentId, IReadOnlyCollection<string>? groups)
    {
        if (agentId is not null && Agents.FirstOrDefault(a => string.Equals(a.Agent, agentId, StringComparison.Ordinal)) is { } agent)
        {
            return (agent.Binding, $"agent '{agent.Agent}'");
        }

        if (groups is { Count: > 0 } && Groups.FirstOrDefault(g => groups.Contains(g.Group, StringComparer.Ordinal)) is { } group)
        {
            return (group.Binding, $"group '{group.Group}'");
        }

        return (Default, "default");
    }

    /// <summary>The agent's own binding, if it has one.</summary>
    public Binding? ForAgent(string agentId) =>
        Agents.FirstOrDefault(a => string.Equals(a.Agent, agentId, StringComparison.Ordinal))?.Binding;
}

/// <summary>
/// A workflow and the other workflows a caller this binding applies to may name in a request's <c>workflow</c> field.
/// Naming <see cref="Workflow"/> itself is always allowed (it changes nothing).
/// </summary>
public sealed record Binding(string Workflow, IReadOnlyList<string> AllowChoice)
{
    public bool Allows(string requested) =>
        string.Equals(requested, Workflow, StringComparison.Ordinal) || AllowChoice.Contains(requested, StringComparer.Ordinal);
}

public sealed record AgentBinding(string Agent, Binding Binding);

public sealed record GroupBinding(string Group, Binding Binding);
