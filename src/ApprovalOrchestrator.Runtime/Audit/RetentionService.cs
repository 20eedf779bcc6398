using ApprovalOrchestrator.Core.Audit;
using ApprovalOrchestrator.Core.Audit.Log;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Engine;
using ApprovalOrchestrator.Runtime.Storage;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Runtime.Audit;

/// <summary>
/// Erases a finished request's personal content once its definition's retention period has passed: each event's data
/// becomes the hash of what it was (so the signed log's entries, which commit to that hash, and every proof stay
/// valid), the request text and tool arguments are blanked in the instance, and the erasure is itself an audit event.
/// One transaction.
/// </summary>
public sealed class RetentionService(Database database, TimeProvider clock, IOptions<AuditLogOptions> options)
{
    public const string ErasedText = "[erased]";

    public Task<ErasureResult> EraseAsync(Guid id, string actor, string? comment) =>
        database.InTransactionAsync(async (connection, tx) =>
        {
            var instance = await InstanceRepository.LoadAsync(connection, tx, id);
            if (instance is null)
            {
                return new ErasureResult(ErasureOutcome.NotFound, $"No request {id}.");
            }

            if (!instance.Status.IsFinal())
            {
                return new ErasureResult(ErasureOutcome.Refused, $"Request {id} is {instance.Status.ToWire()}: only a finished request's content may be erased.");
            }

            if (!options.Value.Retention.TryGetValue(instance.Definition.Id, out var retention))
            {
                return new ErasureResult(ErasureOutcome.Refused, $"Definition '{instance.Definition.Id}' has no retention period (AuditLog:Retention:{instance.Definition.Id}): its content is kept.");
            }

            var now = clock.GetUtcNow();
            if (instance.UpdatedAt + retention > now)
            {
                return new ErasureResult(ErasureOutcome.Refused, $"Request {id}'s retention period runs until {instance.UpdatedAt + retention:O}.");
            }

            var events = (await connection.QueryAsync<(long Id, string Data)>(
                "SELECT id, data FROM audit_events WHERE instance_id = @id AND kind <> 'content-erased' ORDER BY seq", new { id = id.ToString() }, tx)).ToList();
            var erased = 0;
            foreach (var (eventId, data) in events.Where(e => ErasedContent.HashOf(e.Data) is null))
            {
                await connection.ExecuteAsync("UPDATE audit_events SET data = @data WHERE id = @eventId",
                    new { data = ErasedContent.Marker(LogEntries.ContentHash(data)), eventId }, tx);
                erased++;
            }

            if (erased == 0 && instance.Request.Text == ErasedText)
            {
                return new ErasureResult(ErasureOutcome.Erased, $"Request {id}'s content was already erased.");
            }

            // The request text, tool arguments and what execution returned (a reply to that text) are the personal content.
            var blanked = instance with
            {
                Request = instance.Request with { Text = ErasedText, Tool = instance.Request.Tool is { } t ? t with { Args = null } : null },
                // The guardrails' copy as sent is the same content (only its redacted values are gone).
                Classification = instance.Classification is { Guardrails: { } g } c
                    ? c with { Guardrails = g with { Outgoing = g.Outgoing with { Text = ErasedText, ToolArgs = null } } }
                    : instance.Classification,
                Execution = instance.Execution is { Result: { } r } x
                    ? x with { Result = r with { Error = r.Error is null ? null : ErasedText, Outcome = JsonSerializer.SerializeToElement(new { erased = true }) } }
                    : instance.Execution,
            };
            await connection.ExecuteAsync("UPDATE instances SET state = @state WHERE id = @id", new { state = Engine.InstanceState.Encode(connection, blanked), id = id.ToString() }, tx);
            await Notifications.NotificationEvents.EraseAsync(connection, tx, id, ErasedText);
            await AuditWriter.AppendAsync(connection, tx, id, instance.Definition, "content-erased", actor, now, new Dictionary<string, object?>
            {
                ["events"] = erased,
                ["retention"] = retention.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
                ["comment"] = comment,
            });
            return new ErasureResult(ErasureOutcome.Erased, $"Erased the content of {erased} event(s) of request {id}.", erased);
        });
}

public enum ErasureOutcome
{
    Erased,
    NotFound,
    Refused,
}

public sealed record ErasureResult(ErasureOutcome Outcome, string Message, int Events = 0);
