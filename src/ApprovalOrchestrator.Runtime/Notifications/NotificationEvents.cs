using System.Data;
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
        InsertAsync(connection, tx, id, message.Escalated ? NotificationKinds.ApprovalEscalated : NotificationKinds.ApprovalRequested, new
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
        InsertAsync(connection, tx, id, NotificationKinds.RequestCompleted, new
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

    private static Task InsertAsync(IDbConnection connection, IDbTransaction tx, Guid id, string kind, object data, DateTimeOffset now) =>
        connection.ExecuteAsync(
            "INSERT INTO notification_events (id, kind, body, created_at) VALUES (@Id, @Kind, @Body, @Now) ON CONFLICT (id) DO NOTHING",
            new { Id = id.ToString(), Kind = kind, Body = Json.Serialize<object>(data), Now = Timestamps.ToText(now) },
            tx);
}
