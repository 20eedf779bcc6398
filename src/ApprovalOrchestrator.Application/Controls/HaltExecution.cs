using ApprovalOrchestrator.Application.Identity;
using ApprovalOrchestrator.Core.Controls;
using ApprovalOrchestrator.Core.Intake;

namespace ApprovalOrchestrator.Application.Controls;

/// <summary>The body of <c>POST /api/controls/halt</c> (and <c>aoctl halt</c>).</summary>
public sealed record HaltInput(string? Scope, string? Target, string? Reason);

/// <summary>A halt in force, as adapters show it.</summary>
public sealed record HaltRecord(string Id, string Scope, string? Target, string Reason, string HaltedBy, DateTimeOffset HaltedAt)
{
    public static HaltRecord Of(Halt halt) => new(halt.Id, halt.Scope.ToWire(), halt.Target, halt.Reason, halt.By, halt.Since);
}

/// <summary>
/// The kill switch (<c>POST /api/controls/halt</c>, admins only): from the moment the halt commits, no request it covers
/// starts executing on any node (the execute step checks the stored halts in its own transaction); covered requests wait
/// <c>halted</c>. Approvals, timers and escalations go on. A halt of the same scope and target already in force is a conflict.
/// </summary>
public sealed class HaltExecution(IExecutionControls controls)
{
    public const int MaxReasonLength = 1000;

    public static (HaltScope Scope, IReadOnlyList<FieldError> Errors) Validate(string? scopeText, string? target, string? reason)
    {
        var errors = new List<FieldError>();
        var known = HaltScopeExtensions.TryParseWire(scopeText, out var scope);
        if (string.IsNullOrWhiteSpace(scopeText))
        {
            errors.Add(new("scope", "is required: all, agent or tool."));
        }
        else if (!known)
        {
            errors.Add(new("scope", "must be one of all, agent, tool."));
        }

        if (known && scope == HaltScope.All && target is not null)
        {
            errors.Add(new("target", "must not be given for scope all."));
        }
        else if (known && scope != HaltScope.All)
        {
            if (string.IsNullOrWhiteSpace(target))
            {
                errors.Add(new("target", $"is required for scope {scope.ToWire()} (the {(scope == HaltScope.Agent ? "agent id" : "tool name")})."));
            }
            else
            {
                errors.AtMost("target", target, RequestValidator.MaxIdLength);
            }
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            errors.Add(new("reason", "is required."));
        }
        else
        {
            errors.AtMost("reason", reason, MaxReasonLength);
        }

        return (scope, errors);
    }

    public async Task<Result<HaltRecord>> HandleAsync(Actor who, HaltInput input)
    {
        var (scope, errors) = Validate(input.Scope, input.Target, input.Reason);
        if (Refusal.Check(errors, who, UserRoles.Admin) is { } refused)
        {
            return refused;
        }

        var outcome = await controls.HaltAsync(scope, scope == HaltScope.All ? null : input.Target!.Trim(), input.Reason!.Trim(), who.User);
        return outcome.Created
            ? HaltRecord.Of(outcome.Halt)
            : Refusal.Conflict(
                "Already halted",
                $"Halt {outcome.Halt.Id} ({outcome.Halt.Scope.ToWire()}{(outcome.Halt.Target is { } t ? " " + t : "")}) is already in force.",
                extensions: new Dictionary<string, object?> { ["haltId"] = outcome.Halt.Id });
    }
}
