namespace ApprovalOrchestrator.Application.Approvals;

/// <summary><c>Approvals:*</c>: approver-side settings.</summary>
public sealed class ApprovalsOptions
{
    public const string Section = "Approvals";

    /// <summary>How long a claim holds a task for one reviewer; after that it is ignored.</summary>
    public TimeSpan ClaimDuration { get; set; } = TimeSpan.FromMinutes(15);
}
