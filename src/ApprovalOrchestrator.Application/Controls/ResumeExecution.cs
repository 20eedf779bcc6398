using ApprovalOrchestrator.Application.Identity;
using ApprovalOrchestrator.Core.Controls;
using ApprovalOrchestrator.Core.Intake;

namespace ApprovalOrchestrator.Application.Controls;

/// <summary>The body of <c>POST /api/controls/resume</c>: the halt's <see cref="Id"/>, or its <see cref="Scope"/> and <see cref="Target"/>.</summary>
public sealed record ResumeInput(string? Id, string? Scope, string? Target, string? Reason);

/// <summary>A lifted halt and how many halted requests went back to execute.</summary>
public sealed record ResumeRecord(HaltRecord Halt, string ResumedBy, DateTimeOffset ResumedAt, string Reason, int Released);

/// <summary>
/// Lifts a halt (<c>POST /api/controls/resume</c>, admins only) and releases, in the order they were halted, the requests
/// it held that no other halt in force still covers. Should this node stop part-way, every node's sweep releases the rest.
/// </summary>
public sealed class ResumeExecution(IExecutionControls controls)
{
    public async Task<Result<ResumeRecord>> HandleAsync(Actor who, ResumeInput input)
    {
        var errors = new List<FieldError>();
        var scope = HaltScope.All;
        if (input.Id is not null)
        {
            if (string.IsNullOrWhiteSpace(input.Id))
            {
                errors.Add(new("id", "must not be empty."));
            }

            errors.AtMost("id", input.Id, RequestValidator.MaxIdLength);
            if (input.Scope is not null || input.Target is not null)
            {
                errors.Add(new("id", "names the halt by itself: give either id, or scope and target, not both."));
            }

            if (string.IsNullOrWhiteSpace(input.Reason))
            {
                errors.Add(new("reason", "is required."));
            }
            else
            {
                errors.AtMost("reason", input.Reason, HaltExecution.MaxReasonLength);
            }
        }
        else
        {
            (scope, var scoped) = HaltExecution.Validate(input.Scope, input.Target, input.Reason);
            errors.AddRange(scoped);
        }

        if (Refusal.Check(errors, who, UserRoles.Admin) is { } refused)
        {
            return refused;
        }

        var target = scope == HaltScope.All ? null : input.Target?.Trim();
        var halt = input.Id is { } id
            ? (await controls.InForceAsync()).FirstOrDefault(h => h.Id == id.Trim())
            : (await controls.InForceAsync()).FirstOrDefault(h => h.Scope == scope && string.Equals(h.Target, target, StringComparison.Ordinal));
        if (halt is null)
        {
            return Refusal.NotFound(input.Id is { } named ? $"No halt {named.Trim()} is in force." : $"No halt of scope {scope.ToWire()}{(target is null ? "" : " " + target)} is in force.");
        }

        var lifted = await controls.ResumeAsync(halt.Id, who.User, input.Reason!.Trim());
        if (lifted is null)
        {
            // Another admin lifted it between the read and the write.
            return Refusal.NotFound($"Halt {halt.Id} is no longer in force.");
        }

        var released = await controls.ReleaseAsync();
        return new ResumeRecord(HaltRecord.Of(lifted.Halt), lifted.ResumedBy, lifted.ResumedAt, lifted.ResumeReason, released);
    }
}
