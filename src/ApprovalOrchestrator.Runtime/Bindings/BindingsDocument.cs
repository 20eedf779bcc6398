using ApprovalOrchestrator.Core.Bindings;

namespace ApprovalOrchestrator.Runtime.Bindings;

/// <summary>
/// The bindings document as written (API body, stored text): every field may be missing until validated.
/// <c>{ "default": { "workflow": …, "allowChoice": […] }, "agents": [{ "agent": …, "workflow": …, "allowChoice": […] }],
/// "groups": [{ "group": …, "workflow": …, "allowChoice": […] }] }</c>; <see cref="Groups"/> is ordered (first match wins).
/// </summary>
public sealed record BindingsDocument(BindingEntry? Default, IReadOnlyList<AgentEntry>? Agents, IReadOnlyList<GroupEntry>? Groups)
{
    public PolicyBindings ToPolicy() => new(
        Default?.ToBinding()!,
        (Agents ?? []).Select(a => new AgentBinding(a.Agent!, new Binding(a.Workflow!, a.AllowChoice ?? []))).ToList(),
        (Groups ?? []).Select(g => new GroupBinding(g.Group!, new Binding(g.Workflow!, g.AllowChoice ?? []))).ToList());

    public static BindingsDocument From(PolicyBindings p) => new(
        new BindingEntry(p.Default.Workflow, p.Default.AllowChoice),
        p.Agents.Select(a => new AgentEntry(a.Agent, a.Binding.Workflow, a.Binding.AllowChoice)).ToList(),
        p.Groups.Select(g => new GroupEntry(g.Group, g.Binding.Workflow, g.Binding.AllowChoice)).ToList());
}

public sealed record BindingEntry(string? Workflow, IReadOnlyList<string>? AllowChoice)
{
    public Binding ToBinding() => new(Workflow!, AllowChoice ?? []);
}

public sealed record AgentEntry(string? Agent, string? Workflow, IReadOnlyList<string>? AllowChoice);

public sealed record GroupEntry(string? Group, string? Workflow, IReadOnlyList<string>? AllowChoice);

/// <summary>One stored version of the bindings: who changed them, when, why, and the content hash.</summary>
public sealed record BindingsVersion(int Version, string Hash, string Author, string? Comment, DateTimeOffset CreatedAt, BindingsDocument Document)
{
    /// <summary>Written from configuration (<c>Workflows:Default</c>) rather than by a person.</summary>
    public bool IsFromConfiguration => Author.StartsWith(BindingCatalog.ConfigAuthorPrefix, StringComparison.Ordinal);
}

/// <summary>The bindings document has errors; nothing is stored.</summary>
public sealed class BindingsInvalidException(IReadOnlyList<Core.Intake.FieldError> errors)
    : Exception("The bindings are invalid: " + string.Join("; ", errors))
{
    public IReadOnlyList<Core.Intake.FieldError> Errors { get; } = errors;
}

/// <summary>The caller edited a version that is no longer the latest.</summary>
public sealed class BindingsConflictException(int latest) : Exception($"The bindings changed meanwhile: the latest version is {latest}.")
{
    public int Latest { get; } = latest;
}
