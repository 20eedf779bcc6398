using System.Data;
using System.Text.Json.Nodes;
using ApprovalOrchestrator.Contracts.V1;
using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;

namespace ApprovalOrchestrator.Runtime.Notifications;

/// <summary>
/// Writes a notification event in the step's own transaction (so a committed step always notifies and a rolled-back one
/// never does). The payload is what receivers see: the request text is the redacted one, and a completion carries no
/// tool outcome (it may hold anything the tool returned).
/// </summary>
public static class NotificationEvents
{
    public static Task AddAsync(IDbConnection connection, IDbTransaction tx, ApprovalRequested message, DateTimeOffset now, Guid id) =>
        InsertAsync(connection, tx, id, message.InstanceId, message.Escalated ? NotificationKinds.ApprovalEscalated : NotificationKinds.ApprovalRequested, new
        {
            message.InstanceId,
            message.RequestId,
            message.TaskId,
            TaskPath = $"/tasks/{message.TaskId}",
            message.Group,
            message.Tier,
            message.RequiredApprovals,
            message.DueAt,
            message.Risk,
            Reason = Redactor.Redact(message.Reason),
            Text = message.Text, // already redacted by OutcomeMessages
            message.Requester,
            message.AgentId,
            message.Escalated,
            message.ActionHash,
        }, now);

    public static Task AddAsync(IDbConnection connection, IDbTransaction tx, AgentRequestCompleted message, DateTimeOffset now, Guid id) =>
        InsertAsync(connection, tx, id, message.InstanceId, NotificationKinds.RequestCompleted, new
        {
            message.InstanceId,
            message.RequestId,
            message.Status,
            message.Risk,
            Reason = message.Reason is null ? null : Redactor.Redact(message.Reason),
            Decisions = message.Decisions.Select(d => new { d.Actor, d.Verdict, d.Group, Comment = d.Comment is null ? null : Redactor.Redact(d.Comment), d.At }),
            message.WorkflowId,
            message.WorkflowVersion,
            message.CompletedAt,
        }, now);

    /// <summary>
    /// Content erasure (<c>POST /api/requests/{id}/erase</c>) reaches the notification copies too: text, reason and
    /// comments become <paramref name="erased"/>; the rest stays so pending deliveries can still be made.
    /// </summary>
    public static async Task EraseAsync(IDbConnection connection, IDbTransaction tx, Guid instanceId, string erased)
    {
        var rows = await connection.QueryAsync<(long Seq, string Body)>(
            "SELECT seq, body FROM notification_events WHERE instance_id = @id", new { id = instanceId.ToString() }, tx);
        foreach (var (seq, body) in rows)
        {
            var node = JsonNode.Parse(body)!.AsObject();
            foreach (var field in new[] { "text", "reason" }.Where(f => node[f] is not null))
            {
                node[field] = erased;
            }

            foreach (var decision in node["decisions"]?.AsArray().OfType<JsonObject>() ?? [])
            {
                if (decision["comment"] is not null)
                {
                    decision["comment"] = erased;
                }
            }

            await connection.ExecuteAsync("UPDATE notification_events SET body = @body WHERE seq = @seq", new { body = node.ToJsonString(), seq }, tx);
        }
    }

    private static Task InsertAsync(IDbConnection connection, IDbTransaction tx, Guid id, Guid instanceId, string kind, object data, DateTimeOffset now) =>
        connection.ExecuteAsync(
            "INSERT INTO notification_events (id, instance_id, kind, body, created_at) VALUES (@Id, @InstanceId, @Kind, @Body, @Now) ON CONFLICT (id) DO NOTHING",
            new { Id = id.ToString(), InstanceId = instanceId.ToString(), Kind = kind, Body = Json.Serialize<object>(data), Now = Timestamps.ToText(now) },
            tx);
}
