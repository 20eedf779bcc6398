using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Core.Definitions.Rules;

namespace ApprovalOrchestrator.Core.Definitions;

/// <summary>Cross-rule checks that do not make a definition invalid but usually mean a mistake; reported as warnings.</summary>
internal static class RuleLints
{
    /// <summary>A term under two risks: the riskier rule always wins, so the other occurrence only adds noise (or hides an intent).</summary>
    public static void WarnTermsUnderTwoRisks(IReadOnlyList<(string Term, string Path, RiskLevel Risk)> terms, YamlNodeReader r)
    {
        var first = new Dictionary<string, (string Term, string Path, RiskLevel Risk)>(StringComparer.Ordinal);
        foreach (var occurrence in terms)
        {
            // Compared as the matcher sees them: normalised words, so "API  Key" and "api key" are the same term.
            var key = string.Join(' ', WordTokenizer.Tokenize(TextNormalizer.Normalize(occurrence.Term)));
            if (!first.TryGetValue(key, out var earlier))
            {
                first[key] = occurrence;
            }
            else if (earlier.Risk != occurrence.Risk)
            {
                r.Warning(occurrence.Path, $"term '{occurrence.Term}' also appears under risk {Classifier.RouteName(earlier.Risk)} ({earlier.Path})");
            }
        }
    }

    /// <summary>A rule after one with the same condition and at least its risk can never be the deciding rule.</summary>
    public static void WarnShadowedRules(IReadOnlyList<(ClassificationRule Rule, string Path)> rules, YamlNodeReader r)
    {
        // Per condition text, the first rule of each risk: linear in the number of rules, however many there are.
        var firstByRisk = new Dictionary<string, (int Index, ClassificationRule Rule)?[]>(StringComparer.Ordinal);
        for (var i = 0; i < rules.Count; i++)
        {
            var (rule, path) = rules[i];
            var condition = ConditionText.Format(rule.Condition);
            if (!firstByRisk.TryGetValue(condition, out var firsts))
            {
                firsts = new (int, ClassificationRule)?[DefinitionParser.RiskLevels.Count];
                firstByRisk[condition] = firsts;
            }

            if (firsts.Skip((int)rule.Risk).Where(f => f is not null).MinBy(f => f!.Value.Index) is { Rule: var earlier })
            {
                r.Warning(path, $"rule '{rule.Id}' can never decide: rule '{earlier.Id}' comes first with the same condition and risk {Classifier.RouteName(earlier.Risk)}");
            }

            firsts[(int)rule.Risk] ??= (i, rule);
        }
    }
}
