namespace ApprovalOrchestrator.Core.Definitions;

/// <summary>
/// Deny by default: the tools (and per tool the actions) and the agents a definition knows. A tool call or agent it does
/// not declare never runs unapproved: it goes to <see cref="UnknownToolRoute"/> / <see cref="UnknownAgentRoute"/>, which
/// validation guarantees is an approve or block route. Names compare exactly (ordinal, case-sensitive, no folding): a
/// variant of a declared name (<c>Sessions_List</c>, a trailing space, full-width letters) is a different, undeclared name.
/// </summary>
public sealed record AccessPolicy(
    IReadOnlyDictionary<string, ToolDeclaration> Tools,
    IReadOnlyList<string> Agents,
    string UnknownToolRoute,
    string UnknownAgentRoute)
{
    /// <summary>The route undeclared tools and agents go to when the definition names none.</summary>
    public const string DefaultRoute = "amber";

    /// <summary>The risk an undeclared use is reported with: the route's name for green/amber/red; any other route (a block route, a custom approval) counts as red.</summary>
    public static RiskLevel RiskOfRoute(string route) => route switch
    {
        "amber" => RiskLevel.Amber,
        "green" => RiskLevel.Green,
        _ => RiskLevel.Red,
    };

    /// <summary>Declares nothing: every tool call and every agent but the execution agent is undeclared.</summary>
    public static AccessPolicy Nothing { get; } = new(new Dictionary<string, ToolDeclaration>(StringComparer.Ordinal), [], DefaultRoute, DefaultRoute);
}

/// <summary>One declared tool; <see cref="Actions"/> null means any action (or none), otherwise only the listed ones.</summary>
public sealed record ToolDeclaration(string Name, IReadOnlyList<string>? Actions)
{
    public bool Allows(string? action) => Actions is null || (action is not null && Actions.Contains(action, StringComparer.Ordinal));
}
