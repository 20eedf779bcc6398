namespace ApprovalOrchestrator.Runtime.Notifications;

/// <summary>A delivery's channel names its receiver: <c>webhook:&lt;url&gt;</c>. The secret is looked up at delivery time.</summary>
public static class WebhookChannel
{
    public const string Prefix = "webhook:";
}
