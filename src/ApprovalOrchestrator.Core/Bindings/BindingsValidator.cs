using ApprovalOrchestrator.Core.Intake;

namespace ApprovalOrchestrator.Core.Bindings;

/// <summary>
/// Checks a bindings document before it is stored: ids are identifiers (as requests name them), no agent or group is
/// bound twice (precedence must never depend on which duplicate wins), and every workflow named exists with a version in
/// force (<paramref name="workflowInForce"/>). Every problem is reported with its path at once.
/// </summary>
public static class BindingsValidator
{
    public static IReadOnlyList<FieldError> Validate(PolicyBindings bindings, Func<string, bool> workflowInForce)
    {
        var errors = new List<FieldError>();
        Check(bindings.Default, "default", errors, workflowInForce);
        CheckEntries((bindings.Agents ?? []).Select(a => ((string?)a.Agent, (Binding?)a.Binding)).ToList(), "agents", "agent", errors, workflowInForce);
        CheckEntries((bindings.Groups ?? []).Select(g => ((string?)g.Group, (Binding?)g.Binding)).ToList(), "groups", "group", errors, workflowInForce);
        return errors;
    }

    private static void CheckEntries(List<(string? Key, Binding? Binding)> entries, string path, string keyName, List<FieldError> errors, Func<string, bool> workflowInForce)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            var (key, binding) = entries[i];
            if (key is null || !RequestValidator.IsIdentifier(key))
            {
                errors.Add(new($"{path}[{i}].{keyName}", "must be 1-64 characters of letters, digits, '.', '_' or '-'."));
            }
            else if (!seen.Add(key))
            {
                errors.Add(new($"{path}[{i}].{keyName}", $"'{key}' is bound twice; bind each {keyName} once."));
            }

            Check(binding, $"{path}[{i}]", errors, workflowInForce);
        }
    }

    private static void Check(Binding? binding, string path, List<FieldError> errors, Func<string, bool> workflowInForce)
    {
        if (binding is null)
        {
            errors.Add(new(path, "is required."));
            return;
        }

        CheckWorkflow(binding.Workflow, $"{path}.workflow", errors, workflowInForce);
        for (var i = 0; i < (binding.AllowChoice?.Count ?? 0); i++)
        {
            CheckWorkflow(binding.AllowChoice![i], $"{path}.allowChoice[{i}]", errors, workflowInForce);
        }
    }

    private static void CheckWorkflow(string? workflow, string path, List<FieldError> errors, Func<string, bool> workflowInForce)
    {
        if (workflow is null || !RequestValidator.IsIdentifier(workflow))
        {
            errors.Add(new(path, "must name a workflow: 1-64 characters of letters, digits, '.', '_' or '-'."));
        }
        else if (!workflowInForce(workflow))
        {
            errors.Add(new(path, $"workflow '{workflow}' has no published version in force."));
        }
    }
}
