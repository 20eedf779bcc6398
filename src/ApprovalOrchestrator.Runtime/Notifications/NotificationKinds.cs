namespace ApprovalOrchestrator.Runtime.Notifications;

/// <summary>The event names carried in a webhook's <c>type</c> and matched by <see cref="WebhookOptions.Events"/>.</summary>
public static class NotificationKinds
{
    public const string ApprovalRequested = "approval.requested";
    public const string ApprovalEscalated = "approval.escalated";
    public const string RequestCompleted = "request.completed";

    public static IReadOnlyList<string> All { get; } = [ApprovalRequested, ApprovalEscalated, RequestCompleted];
}
