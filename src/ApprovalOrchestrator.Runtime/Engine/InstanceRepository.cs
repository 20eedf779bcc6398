using System.Data;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;

namespace ApprovalOrchestrator.Runtime.Engine;

/// <summary>Reads and writes instance rows (the state is the truth, stored as <see cref="InstanceState"/> says; columns and the task table are projections for queries).</summary>
internal static class InstanceRepository
{
    public static async Task<WorkflowInstance?> LoadAsync(IDbConnection connection, IDbTransaction? tx, Guid id)
    {
        var state = await connection.ExecuteScalarAsync<object>(
            "SELECT state FROM instances WHERE id = @id", new { id = id.ToString() }, tx);
        return state is null or DBNull ? null : InstanceState.Decode(state);
    }

    /// <summary>The instance <paramref name="requester"/> submitted under <paramref name="requestId"/>: keys are scoped per requester, so nobody else's count.</summary>
    public static async Task<(Guid Id, string Fingerprint)?> FindByRequestIdAsync(IDbConnection connection, IDbTransaction? tx, string requester, string requestId)
    {
        var row = await connection.QuerySingleOrDefaultAsync<(string Id, string Fingerprint)?>(
            "SELECT id, fingerprint FROM instances WHERE requester = @requester AND request_id = @requestId", new { requester, requestId }, tx);
        return row is { } r ? (Guid.Parse(r.Id), r.Fingerprint) : null;
    }

    public static Task InsertAsync(IDbConnection connection, IDbTransaction tx, WorkflowInstance instance, string fingerprint) =>
        connection.ExecuteAsync(
            """
            INSERT INTO instances (id, request_id, fingerprint, status, risk, requester, agent_id, definition_id, definition_version,
                                   definition_hash, version, created_at, updated_at, state)
            VALUES (@Id, @RequestId, @Fingerprint, @Status, @Risk, @Requester, @AgentId, @DefinitionId, @DefinitionVersion,
                    @DefinitionHash, @Version, @CreatedAt, @UpdatedAt, @State)
            """,
            Row(connection, instance, fingerprint), tx);

    /// <summary>Optimistic concurrency: the update applies only over the version the step read.</summary>
    public static async Task UpdateAsync(IDbConnection connection, IDbTransaction tx, WorkflowInstance instance, int expectedVersion)
    {
        var changed = await connection.ExecuteAsync(
            """
            UPDATE instances SET status = @Status, risk = @Risk, version = @Version, updated_at = @UpdatedAt, state = @State
            WHERE id = @Id AND version = @Expected
            """,
            new
            {
                Id = instance.Id.ToString(),
                Status = instance.Status.ToWire(),
                Risk = Risk(instance),
                instance.Version,
                UpdatedAt = Timestamps.ToText(instance.UpdatedAt),
                State = InstanceState.Encode(connection, instance),
                Expected = expectedVersion,
            },
            tx);
        if (changed != 1)
        {
            throw new ConcurrencyException(instance.Id, expectedVersion);
        }

        await SaveTasksAsync(connection, tx, instance);
    }

    private static async Task SaveTasksAsync(IDbConnection connection, IDbTransaction tx, WorkflowInstance instance)
    {
        foreach (var task in instance.Tasks)
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO approval_tasks (id, instance_id, tier, group_name, required, approvals, status, opened_at, due_at, risk, assigned_to)
                VALUES (@Id, @InstanceId, @Tier, @Group, @Required, @Approvals, @Status, @OpenedAt, @DueAt, @Risk, @AssignedTo)
                ON CONFLICT (id) DO UPDATE SET tier = excluded.tier, group_name = excluded.group_name, required = excluded.required,
                    approvals = excluded.approvals, status = excluded.status, due_at = excluded.due_at, assigned_to = excluded.assigned_to
                """,
                new
                {
                    Id = task.Id.ToString(),
                    InstanceId = instance.Id.ToString(),
                    task.Tier,
                    task.Group,
                    Required = task.RequiredApprovals,
                    Approvals = task.ApproversAtCurrentTier.Count,
                    Status = task.Status.ToString().ToLowerInvariant(),
                    OpenedAt = Timestamps.ToText(task.OpenedAt),
                    DueAt = Timestamps.ToText(task.DueAt),
                    Risk = Risk(instance),
                    task.AssignedTo,
                },
                tx);
        }
    }

    private static string? Risk(WorkflowInstance instance) => instance.Classification?.Risk.ToString().ToLowerInvariant();

    private static object Row(IDbConnection connection, WorkflowInstance i, string fingerprint) => new
    {
        Id = i.Id.ToString(),
        RequestId = i.Request.ClientRequestId, // the request_id column: the client's key
        Fingerprint = fingerprint,
        Status = i.Status.ToWire(),
        Risk = Risk(i),
        i.Request.Requester,
        i.Request.AgentId,
        DefinitionId = i.Definition.Id,
        DefinitionVersion = i.Definition.Version,
        DefinitionHash = i.Definition.Hash,
        i.Version,
        CreatedAt = Timestamps.ToText(i.CreatedAt),
        UpdatedAt = Timestamps.ToText(i.UpdatedAt),
        State = InstanceState.Encode(connection, i),
    };
}

/// <summary>Another step changed the instance first; the caller retries on fresh state.</summary>
public sealed class ConcurrencyException(Guid instanceId, int expectedVersion)
    : Exception($"Instance {instanceId} is no longer at version {expectedVersion}.");
