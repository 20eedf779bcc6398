namespace ApprovalOrchestrator.Runtime.Notifications.Slack;

/// <summary>The ids in our messages that Slack sends back in an interaction payload.</summary>
public static class SlackActions
{
    public const string Approve = "ao_approve";
    public const string Reject = "ao_reject";
    public const string OpenConsole = "ao_open";
    public const string DecisionBlock = "ao_decision";
    public const string ReasonBlock = "ao_reason";
    public const string ReasonInput = "ao_reason_input";
}
