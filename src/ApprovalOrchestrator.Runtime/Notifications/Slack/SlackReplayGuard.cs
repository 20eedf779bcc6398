using System.Security.Cryptography;
using System.Text;
using ApprovalOrchestrator.Runtime.Messaging;
using ApprovalOrchestrator.Runtime.Storage;

namespace ApprovalOrchestrator.Runtime.Notifications.Slack;

/// <summary>
/// Refuses a signed Slack request seen before. A signature is remembered in the inbox table (consumer
/// <see cref="Consumer"/>, keyed by a hash of the signature) in the database every node shares; it only has to be
/// remembered while its timestamp is inside <see cref="SlackSignature.Window"/>, and the inbox retention (days, at
/// least ten minutes) outlasts that.
/// </summary>
public sealed class SlackReplayGuard(Database database, TimeProvider clock)
{
    public const string Consumer = "slack-interactions";

    /// <summary>True the first time this signature is presented; false for a replay.</summary>
    public Task<bool> FirstUseAsync(string signature) =>
        database.InTransactionAsync((connection, tx) => Inbox.TryClaimAsync(connection, tx, new InboxKey(Consumer, KeyOf(signature)), clock.GetUtcNow()));

    private static Guid KeyOf(string signature) => new(SHA256.HashData(Encoding.ASCII.GetBytes(signature)).AsSpan(0, 16));
}
