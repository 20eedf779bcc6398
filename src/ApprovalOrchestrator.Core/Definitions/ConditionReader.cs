using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Core.Definitions.Rules;
using YamlDotNet.RepresentationModel;
using static ApprovalOrchestrator.Core.Definitions.YamlNodeReader;

namespace ApprovalOrchestrator.Core.Definitions;

/// <summary>
/// Reads a rule's <c>when</c>: a mapping of one or more condition keys (several keys must all hold). Every error is
/// reported with its path; conditions that can never hold are warnings.
/// </summary>
internal static class ConditionReader
{
    private static readonly string[] Keys = ["terms", "regex", "agent", "tool", "action", "requesterGroup", "arg", "all", "any", "not"];

    private static readonly Dictionary<string, RequestField> Fields = new(StringComparer.Ordinal)
    {
        ["agent"] = RequestField.Agent,
        ["tool"] = RequestField.Tool,
        ["action"] = RequestField.Action,
        ["requesterGroup"] = RequestField.RequesterGroup,
    };

    private static readonly Dictionary<string, ArgOperator> Operators = new(StringComparer.Ordinal)
    {
        ["gt"] = ArgOperator.Gt,
        ["gte"] = ArgOperator.Gte,
        ["lt"] = ArgOperator.Lt,
        ["lte"] = ArgOperator.Lte,
        ["eq"] = ArgOperator.Eq,
        ["ne"] = ArgOperator.Ne,
        ["in"] = ArgOperator.In,
        ["contains"] = ArgOperator.Contains,
        ["matches"] = ArgOperator.Matches,
    };

    /// <summary>How deep <c>all</c>/<c>any</c>/<c>not</c> may nest: deeper is refused (no real policy needs it, and evaluation recurses).</summary>
    public const int MaxDepth = 32;

    /// <param name="terms">Receives every term not under a <c>not</c>, with its path (for the terms-under-two-risks warning).</param>
    public static RuleCondition? Read(YamlNode node, string path, YamlNodeReader r, List<(string Term, string Path)> terms, bool negated = false, int depth = 1)
    {
        if (depth > MaxDepth)
        {
            r.Refuse(path, $"conditions nest deeper than {MaxDepth} levels of all/any/not; refused");
            return null;
        }

        var map = r.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }

        if (node is YamlMappingNode { Children.Count: 0 })
        {
            r.Error(path, $"needs a condition: one of {string.Join(", ", Keys)}");
            return null;
        }

        var parts = new List<RuleCondition>();
        var valid = true;
        foreach (var (key, value) in map)
        {
            var condition = ReadKey(key, value, Join(path, key), r, terms, negated, depth);
            valid &= condition is not null;
            if (condition is not null)
            {
                parts.Add(condition);
            }
        }

        if (!valid || parts.Count == 0)
        {
            return null;
        }

        if (parts.Count == 1)
        {
            return parts[0];
        }

        var all = new AllCondition(parts);
        WarnIfContradictory(all, path, r);
        return all;
    }

    private static RuleCondition? ReadKey(string key, YamlNode value, string path, YamlNodeReader r, List<(string, string)> terms, bool negated, int depth)
    {
        switch (key)
        {
            case "terms":
                var list = DefinitionParser.ReadTerms(value, path, r);
                if (list is not null && !negated)
                {
                    terms.AddRange(list.Select((t, i) => (t, $"{path}[{i}]")));
                }

                return list is null ? null : new TermsCondition(list);
            case "regex":
                return r.String(value, path) is { } pattern && CheckRegex(pattern, path, r) ? new RegexCondition(pattern) : null;
            case "arg":
                return ReadArg(value, path, r);
            case "all":
            case "any":
                return ReadList(key, value, path, r, terms, negated, depth);
            case "not":
                var inner = Read(value, path, r, terms, !negated, depth + 1);
                if (inner is AllCondition { Conditions.Count: 0 })
                {
                    r.Warning(path, "'not' of an empty 'all' (always true) never holds");
                }

                return inner is null ? null : new NotCondition(inner);
            default:
                return ReadField(Fields[key], value, path, r);
        }
    }

    private static RuleCondition? ReadList(string key, YamlNode value, string path, YamlNodeReader r, List<(string, string)> terms, bool negated, int depth)
    {
        if (r.Sequence(value, path) is not { } items)
        {
            return null;
        }

        var children = new List<RuleCondition>();
        var valid = true;
        for (var i = 0; i < items.Count; i++)
        {
            var child = Read(items[i], $"{path}[{i}]", r, terms, negated, depth + 1);
            valid &= child is not null;
            if (child is not null)
            {
                children.Add(child);
            }
        }

        if (!valid)
        {
            return null;
        }

        if (key == "any")
        {
            if (children.Count == 0)
            {
                r.Warning(path, "an empty 'any' never holds, so this condition can never match");
            }

            return new AnyCondition(children);
        }

        var all = new AllCondition(children);
        WarnIfContradictory(all, path, r);
        return all;
    }

    // Agent, tool, action, requester group: one value or a list of them.
    private static RuleCondition? ReadField(RequestField field, YamlNode value, string path, YamlNodeReader r)
    {
        var values = ReadValues(value, path, r);
        if (values is null)
        {
            return null;
        }

        if (field == RequestField.RequesterGroup)
        {
            var unknown = values.Select((g, i) => (g, i)).Where(x => r.Groups.IsUnknown(x.g)).ToList();
            foreach (var (group, i) in unknown)
            {
                r.Error(value is YamlSequenceNode ? $"{path}[{i}]" : path, $"unknown group '{group}'");
            }

            if (unknown.Count > 0)
            {
                return null;
            }
        }

        return new FieldCondition(field, values);
    }

    private static List<string>? ReadValues(YamlNode node, string path, YamlNodeReader r)
    {
        if (node is YamlScalarNode)
        {
            return r.String(node, path) is { } single ? [single] : null;
        }

        if (r.Sequence(node, path) is not { } items)
        {
            return null;
        }

        if (items.Count == 0)
        {
            r.Error(path, "needs at least one value");
            return null;
        }

        var values = items.Select((item, i) => r.String(item, $"{path}[{i}]")).ToList();
        return values.Any(v => v is null) ? null : values.Select(v => v!).ToList();
    }

    private static ArgCondition? ReadArg(YamlNode node, string path, YamlNodeReader r)
    {
        var map = r.Mapping(node, path, "path", "op", "value");
        if (map is null)
        {
            return null;
        }

        var argPath = r.RequiredString(map, "path", path);
        if (argPath is not null && ArgPath.TryParse(argPath) is null)
        {
            r.Error(Join(path, "path"), $"'{argPath}' is not an argument path (names separated by dots, optional [index], e.g. payment.amount or items[0].sku)");
            argPath = null;
        }

        var op = r.Enum(r.Required(map, "op", path), Join(path, "op"), "operator", Operators);
        var valueNode = r.Required(map, "value", path);
        if (op is null || valueNode is null)
        {
            return null;
        }

        var valuePath = Join(path, "value");
        List<ArgValue>? values;
        if (op == ArgOperator.In)
        {
            values = ReadValues(valueNode, valuePath, r)?.Select(ArgValue.Of).ToList();
        }
        else if (valueNode is not YamlScalarNode)
        {
            r.Error(valuePath, $"'{ConditionText.OperatorSymbol(op.Value)}' compares with one value, not a list or mapping");
            values = null;
        }
        else
        {
            values = r.String(valueNode, valuePath) is { } text ? [ArgValue.Of(text)] : null;
        }

        if (values is null)
        {
            return null;
        }

        if (op is ArgOperator.Gt or ArgOperator.Gte or ArgOperator.Lt or ArgOperator.Lte && values[0].Number is null)
        {
            r.Error(valuePath, $"'{ConditionText.OperatorSymbol(op.Value)}' needs a number, not '{values[0].Text}'");
            return null;
        }

        if (op == ArgOperator.Matches && !CheckRegex(values[0].Text, valuePath, r))
        {
            return null;
        }

        return argPath is null ? null : new ArgCondition(argPath, op.Value, values);
    }

    private static bool CheckRegex(string pattern, string path, YamlNodeReader r)
    {
        if (RuleRegex.Problem(pattern) is { } problem)
        {
            r.Error(path, problem);
            return false;
        }

        return true;
    }

    /// <summary>Warns when an <c>all</c> puts numeric bounds on one arg that no number satisfies (amount &gt; 100 and amount &lt; 50).</summary>
    private static void WarnIfContradictory(AllCondition all, string path, YamlNodeReader r)
    {
        var byPath = all.Conditions.OfType<ArgCondition>()
            .Where(a => a.Operator is ArgOperator.Gt or ArgOperator.Gte or ArgOperator.Lt or ArgOperator.Lte or ArgOperator.Eq && a.Value.Number is not null)
            .GroupBy(a => a.Path, StringComparer.OrdinalIgnoreCase);
        foreach (var group in byPath)
        {
            var range = NumericRange.Everything;
            foreach (var a in group)
            {
                range = range.Intersect(a.Operator, a.Value.Number!.Value);
            }

            if (range.IsEmpty)
            {
                r.Warning(path, $"no number satisfies {string.Join(" and ", group.Select(ConditionText.Format))}, so this never holds");
            }
        }
    }

    private readonly record struct NumericRange(double Low, bool LowInclusive, double High, bool HighInclusive)
    {
        public static readonly NumericRange Everything = new(double.NegativeInfinity, true, double.PositiveInfinity, true);

        public bool IsEmpty => Low > High || (Low == High && !(LowInclusive && HighInclusive));

        public NumericRange Intersect(ArgOperator op, double value) => op switch
        {
            ArgOperator.Gt => RaiseLow(value, false),
            ArgOperator.Gte => RaiseLow(value, true),
            ArgOperator.Lt => LowerHigh(value, false),
            ArgOperator.Lte => LowerHigh(value, true),
            ArgOperator.Eq => RaiseLow(value, true).LowerHigh(value, true),
            _ => this,
        };

        private NumericRange RaiseLow(double value, bool inclusive) =>
            value > Low || (value == Low && !inclusive) ? this with { Low = value, LowInclusive = inclusive } : this;

        private NumericRange LowerHigh(double value, bool inclusive) =>
            value < High || (value == High && !inclusive) ? this with { High = value, HighInclusive = inclusive } : this;
    }
}
