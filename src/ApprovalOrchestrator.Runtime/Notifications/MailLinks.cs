using System.Security.Cryptography;
using System.Text;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;

namespace ApprovalOrchestrator.Runtime.Notifications;

/// <summary>What following a mailed link came to.</summary>
public enum MailLinkUse
{
    /// <summary>First use, in time, for this task: recorded as opened from the mail by the signed-in person.</summary>
    Consumed,

    /// <summary>Unknown, used already, expired, or for another task: nothing recorded.</summary>
    Refused,
}

/// <summary>
/// One-time, expiring codes for the task links in e-mails (<c>/tasks/{id}?mail=&lt;code&gt;</c>). Only a hash is stored, so
/// a copy of the database yields no usable link; the code grants nothing by itself.
/// </summary>
public sealed class MailLinks(Database database, TimeProvider clock)
{
    public const string QueryParameter = "mail";

    public Task<string> IssueAsync(Guid taskId, string recipient, TimeSpan lifetime)
    {
        var code = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = clock.GetUtcNow();
        return database.InTransactionAsync(async (connection, tx) =>
        {
            await connection.ExecuteAsync(
                "INSERT INTO notification_links (code_hash, task_id, recipient, created_at, expires_at) VALUES (@hash, @task, @recipient, @now, @expires)",
                new { hash = Hash(code), task = taskId.ToString(), recipient, now = Timestamps.ToText(now), expires = Timestamps.ToText(now + lifetime) }, tx);
            return code;
        });
    }

    /// <summary>Marks the code used by <paramref name="user"/>, atomically: of two concurrent uses at most one is <see cref="MailLinkUse.Consumed"/>.</summary>
    public Task<MailLinkUse> ConsumeAsync(string code, Guid taskId, string user) =>
        database.InTransactionAsync(async (connection, tx) =>
        {
            var now = Timestamps.ToText(clock.GetUtcNow());
            var updated = await connection.ExecuteAsync(
                "UPDATE notification_links SET used_at = @now, used_by = @user WHERE code_hash = @hash AND task_id = @task AND used_at IS NULL AND expires_at > @now",
                new { now, user, hash = Hash(code), task = taskId.ToString() }, tx);
            return updated == 1 ? MailLinkUse.Consumed : MailLinkUse.Refused;
        });

    private static string Hash(string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code)));
}
