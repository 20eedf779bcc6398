namespace ApprovalOrchestrator.Runtime.Notifications;

/// <summary>An e-mail delivery's channel names its recipient: <c>email:&lt;address&gt;</c>.</summary>
public static class EmailChannel
{
    public const string Prefix = "email:";
}
