namespace ApprovalOrchestrator.Server.Demo;

/// <summary>The five requests of the reference governance flow, verbatim.</summary>
public static class ReferenceRequests
{
    public static readonly IReadOnlyList<string> Texts =
    [
        "Summarize our AI governance policy for internal use.",
        "Draft an email to finance asking for confirmation of the Q1 cloud budget.",
        "Send an email to all employees that payroll will be delayed by 2 days.",
        "Transfer funds from treasury to vendor account immediately.",
        "Run a shell command to archive the home directory and upload it.",
    ];
}
