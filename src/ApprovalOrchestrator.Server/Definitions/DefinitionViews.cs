using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Definitions.Changes;
using ApprovalOrchestrator.Core.Definitions.Rules;
using ApprovalOrchestrator.Runtime.Definitions;

namespace ApprovalOrchestrator.Server.Definitions;

public sealed record ProblemItem(string Path, string Message);

public sealed record VersionView(
    int Version, string Hash, string Author, DateTimeOffset CreatedAt, string? Comment, bool Retracted,
    DateTimeOffset? RetractedAt, string? RetractedBy, string? RetractComment, bool Imported);

/// <summary>One definition: its latest version (null when every version is retracted) and all versions, oldest first.</summary>
public sealed record DefinitionListItem(string Id, int? LatestVersion, IReadOnlyList<VersionView> Versions);

public sealed record RuleSummary(string Id, string Risk, string Category, double Confidence, string Reason, string Route, string When);

public sealed record RouteSummary(string Name, string Action, string Description);

public sealed record DefinitionSummary(
    string Name, string? Description, string DefaultRisk, IReadOnlyList<RuleSummary> Rules, IReadOnlyList<RouteSummary> Routes, string ExecutionAgentId, string ExecutionTimeout,
    IReadOnlyList<ToolSummary> Tools, IReadOnlyList<string> Agents, string UnknownTool, string UnknownAgent);

/// <summary>A declared tool; <see cref="Actions"/> null means any action.</summary>
public sealed record ToolSummary(string Name, IReadOnlyList<string>? Actions);

public sealed record VersionDetail(string Id, VersionView Version, DefinitionSummary Summary, string Source);

public sealed record ValidationView(bool Valid, string? Id, string Hash, IReadOnlyList<ProblemItem> Errors, IReadOnlyList<ProblemItem> Warnings);

public sealed record DraftView(
    Guid DraftId, string? DefinitionId, string Hash, bool Valid, IReadOnlyList<ProblemItem> Errors, IReadOnlyList<ProblemItem> Warnings,
    string Author, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? Source);

/// <summary><see cref="Created"/> is false when the latest version already had this content (nothing new was stored).</summary>
public sealed record PublishView(string Id, int Version, string Hash, bool Created);

public sealed record SideView(string Label, int? Version, string Hash);

public sealed record DiffView(string Id, SideView From, SideView To, bool Identical, DefinitionDiffResult Changes);

public sealed record WhatIfView(string DefinitionId, SideView Current, SideView Draft, int Requested, WhatIfReport Report);

public static class DefinitionViews
{
    public static IReadOnlyList<ProblemItem> Items(IEnumerable<DefinitionError> errors) => errors.Select(e => new ProblemItem(e.Path, e.Message)).ToList();

    public static VersionView Version(DefinitionVersionInfo v) =>
        new(v.Version, v.Hash, v.Author, v.CreatedAt, v.Comment, v.IsRetracted, v.RetractedAt, v.RetractedBy, v.RetractComment, v.IsImported);

    public static IReadOnlyList<DefinitionListItem> List(IEnumerable<DefinitionVersionInfo> versions) =>
        versions.GroupBy(v => v.Id, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new DefinitionListItem(
                g.Key,
                g.Where(v => !v.IsRetracted).Select(v => (int?)v.Version).Max(),
                g.OrderBy(v => v.Version).Select(Version).ToList()))
            .ToList();

    public static DraftView Draft(DefinitionDraft d, bool withSource) =>
        new(d.DraftId, d.DefinitionId, d.Hash, d.IsValid, Items(d.Errors), Items(d.Warnings), d.Author, d.CreatedAt, d.UpdatedAt, withSource ? d.Source : null);

    public static ValidationView Validation(DefinitionParseResult parsed) =>
        new(parsed.IsValid, parsed.Definition?.Id, parsed.Hash, Items(parsed.Errors), Items(parsed.Warnings));

    public static DefinitionSummary Summary(WorkflowDefinition d) => new(
        d.Name,
        d.Description,
        Classifier.RouteName(d.Classification.Default.Risk),
        d.Classification.Rules.Select(r => new RuleSummary(
            r.Id, Classifier.RouteName(r.Risk), r.Category, r.Confidence, r.Reason, r.Route ?? Classifier.RouteName(r.Risk), ConditionText.Format(r.Condition))).ToList(),
        d.Routes.Values.OrderBy(r => r.Name, StringComparer.Ordinal)
            .Select(r => new RouteSummary(r.Name, r.Action.ToString().ToLowerInvariant(), RouteText.Describe(r))).ToList(),
        d.Execution.DefaultAgentId,
        RouteText.Duration(d.Execution.Timeout),
        d.Access.Tools.Values.OrderBy(t => t.Name, StringComparer.Ordinal).Select(t => new ToolSummary(t.Name, t.Actions)).ToList(),
        d.Access.Agents,
        d.Access.UnknownToolRoute,
        d.Access.UnknownAgentRoute);
}
