namespace ApprovalOrchestrator.Core.Workflow;

/// <summary>Where a request stands. Every request ends terminal, or waits visibly (awaiting approval, halted, needs review).</summary>
public enum InstanceStatus
{
    Received,
    AwaitingApproval,
    Executing,
    Executed,
    DryRun,
    Rejected,
    Expired,
    Blocked,
    Failed,
    NeedsReview,
    Withdrawn,

    /// <summary>Ready to execute, held by a kill-switch halt in force; released (back to executing) when it is lifted. Not final.</summary>
    Halted,
}

public static class InstanceStatusExtensions
{
    /// <summary>The wire name (kebab-case), used in the API, the audit trail and bus messages.</summary>
    public static string ToWire(this InstanceStatus status) => status switch
    {
        InstanceStatus.Received => "received",
        InstanceStatus.AwaitingApproval => "awaiting-approval",
        InstanceStatus.Executing => "executing",
        InstanceStatus.Executed => "executed",
        InstanceStatus.DryRun => "dry-run",
        InstanceStatus.Rejected => "rejected",
        InstanceStatus.Expired => "expired",
        InstanceStatus.Blocked => "blocked",
        InstanceStatus.Failed => "failed",
        InstanceStatus.NeedsReview => "needs-review",
        InstanceStatus.Withdrawn => "withdrawn",
        InstanceStatus.Halted => "halted",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static bool TryParseWire(string? value, out InstanceStatus status)
    {
        foreach (var candidate in Enum.GetValues<InstanceStatus>())
        {
            if (string.Equals(candidate.ToWire(), value, StringComparison.OrdinalIgnoreCase))
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }

    /// <summary>No further step will change the instance on its own. <see cref="InstanceStatus.NeedsReview"/> waits for a person.</summary>
    public static bool IsFinal(this InstanceStatus status) =>
        status is InstanceStatus.Executed or InstanceStatus.DryRun or InstanceStatus.Rejected or InstanceStatus.Expired
            or InstanceStatus.Blocked or InstanceStatus.Failed or InstanceStatus.NeedsReview or InstanceStatus.Withdrawn;
}
