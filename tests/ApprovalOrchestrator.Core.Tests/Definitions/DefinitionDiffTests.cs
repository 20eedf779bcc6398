using ApprovalOrchestrator.Core.Definitions.Changes;
using ApprovalOrchestrator.Core.Tests.TestSupport;

namespace ApprovalOrchestrator.Core.Tests.Definitions;

public class DefinitionDiffTests
{
    [Fact]
    public void Added_rule_and_changed_tier_timeout()
    {
        var diff = DefinitionDiff.Compare(ReferencePolicy.Definition, RuleKit.Valid(WhatIfTests.DraftSource()));
        Assert.Equal(["big-payment"], diff.RulesAdded);
        Assert.Empty(diff.RulesRemoved);
        Assert.Empty(diff.RulesChanged);
        var route = Assert.Single(diff.RoutesChanged);
        Assert.Equal(("amber", "changed"), (route.Name, route.Kind));
        Assert.Equal([new FieldChange("tiers[0].timeout", "PT4H", "PT2H")], route.Changes);
        Assert.Empty(diff.OtherChanges);
    }

    [Fact]
    public void Removed_changed_and_moved_rules_routes_and_settings()
    {
        var a = RuleKit.Valid(RuleKit.Source("""
                - { id: one, risk: red, category: c, confidence: 0.9, reason: "x", terms: [wipe] }
                - { id: two, risk: amber, category: c, confidence: 0.5, reason: "y", terms: [email] }
                - { id: three, risk: amber, category: c, confidence: 0.5, reason: "z", terms: [send] }
            """));
        var b = RuleKit.Valid(RuleKit.Source("""
                - { id: two, risk: red, category: c, confidence: 0.5, reason: "y", when: { terms: [email], tool: mailer } }
                - { id: one, risk: red, category: c, confidence: 0.9, reason: "x", terms: [wipe], route: blocked }
            """, routesExtra: "  quick: { action: execute, gateway: { mode: chat } }")
            .Replace("requiredApprovals: 2, timeout: P1D", "requiredApprovals: 3, timeout: P1D }, { group: board, requiredApprovals: 1, timeout: P2D", StringComparison.Ordinal)
            .Replace("agentId: main", "agentId: ops", StringComparison.Ordinal));

        var diff = DefinitionDiff.Compare(a, b);

        Assert.Empty(diff.RulesAdded);
        Assert.Equal(["three"], diff.RulesRemoved);
        Assert.Equal(
            ["two: risk, when, position", "one: route, position"],
            diff.RulesChanged.Select(r => $"{r.Id}: {string.Join(", ", r.Changes.Select(c => c.Field))}"));
        Assert.Contains(new FieldChange("when", "terms [email]", "all(terms [email], tool in [mailer])"), diff.RulesChanged.Single(r => r.Id == "two").Changes);
        Assert.Equal(["quick added", "red changed"], diff.RoutesChanged.Select(r => $"{r.Name} {r.Kind}"));
        Assert.Equal(
            [new FieldChange("tiers[0].requiredApprovals", "2", "3"), new FieldChange("tiers[1]", null, "board x1 P2D")],
            diff.RoutesChanged.Single(r => r.Name == "red").Changes);
        Assert.Equal([new FieldChange("execution.agentId", "main", "ops")], diff.OtherChanges);
        Assert.False(diff.IsEmpty);
        Assert.True(DefinitionDiff.Compare(a, a).IsEmpty);
    }
}
