using System.Data;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;

namespace ApprovalOrchestrator.Runtime.Execution;

/// <summary>One execution in flight and the run that owns it (table <c>execution_leases</c>).</summary>
public sealed record ExecutionLease(Guid InstanceId, int Attempt, string IdempotencyKey, string Owner, DateTimeOffset AcquiredAt, DateTimeOffset HeartbeatAt, DateTimeOffset ExpiresAt);

/// <summary>
/// The lease rows, written inside the caller's transaction. Portable SQL (SQLite and PostgreSQL): timestamps are ISO
/// text, which compares in time order. Every change to another run's lease is guarded by its expiry in the statement
/// itself, so of two nodes racing for the same lease only one UPDATE matches.
/// </summary>
public static class ExecutionLeases
{
    /// <summary>The step that records "execution started" writes its lease (a retried chat attempt replaces the old one).</summary>
    public static Task AcquireAsync(IDbConnection connection, IDbTransaction tx, Guid instanceId, int attempt, string idempotencyKey, string owner, DateTimeOffset now, TimeSpan lease) =>
        connection.ExecuteAsync(
            """
            INSERT INTO execution_leases (instance_id, attempt, idempotency_key, owner, acquired_at, heartbeat_at, expires_at)
            VALUES (@Id, @Attempt, @Key, @Owner, @Now, @Now, @Until)
            ON CONFLICT (instance_id) DO UPDATE SET attempt = excluded.attempt, idempotency_key = excluded.idempotency_key,
                owner = excluded.owner, acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at
            """,
            new { Id = instanceId.ToString(), Attempt = attempt, Key = idempotencyKey, Owner = owner, Now = Timestamps.ToText(now), Until = Timestamps.ToText(now + lease) },
            tx);

    public static async Task<ExecutionLease?> FindAsync(IDbConnection connection, IDbTransaction? tx, Guid instanceId)
    {
        var row = await connection.QuerySingleOrDefaultAsync<Row>(
            "SELECT instance_id AS InstanceId, attempt AS Attempt, idempotency_key AS IdempotencyKey, owner AS Owner, acquired_at AS AcquiredAt, heartbeat_at AS HeartbeatAt, expires_at AS ExpiresAt FROM execution_leases WHERE instance_id = @Id",
            new { Id = instanceId.ToString() },
            tx);
        return row?.ToLease();
    }

    /// <summary>The owner, still alive, pushes its lease out; false when the lease is no longer its own (taken over or finished).</summary>
    public static async Task<bool> HeartbeatAsync(IDbConnection connection, IDbTransaction tx, Guid instanceId, int attempt, string owner, DateTimeOffset now, TimeSpan lease) =>
        await connection.ExecuteAsync(
            "UPDATE execution_leases SET heartbeat_at = @Now, expires_at = @Until WHERE instance_id = @Id AND attempt = @Attempt AND owner = @Owner",
            new { Id = instanceId.ToString(), Attempt = attempt, Owner = owner, Now = Timestamps.ToText(now), Until = Timestamps.ToText(now + lease) },
            tx) == 1;

    /// <summary>
    /// Takes over <paramref name="expired"/> for <paramref name="claimer"/>: matches only while the lease is still the
    /// same expired one, so when two nodes race, the second finds the row changed (on PostgreSQL it waits for the first's
    /// row lock and re-reads it) and gets false. The step that follows replaces or deletes the row.
    /// </summary>
    public static async Task<bool> ClaimExpiredAsync(IDbConnection connection, IDbTransaction tx, ExecutionLease expired, string claimer, DateTimeOffset now, TimeSpan lease) =>
        await connection.ExecuteAsync(
            """
            UPDATE execution_leases SET owner = @Claimer, heartbeat_at = @Now, expires_at = @Until
            WHERE instance_id = @Id AND attempt = @Attempt AND owner = @Owner AND expires_at = @ExpiresAt AND expires_at < @Now
            """,
            new
            {
                Id = expired.InstanceId.ToString(),
                expired.Attempt,
                expired.Owner,
                ExpiresAt = Timestamps.ToText(expired.ExpiresAt),
                Claimer = claimer,
                Now = Timestamps.ToText(now),
                Until = Timestamps.ToText(now + lease),
            },
            tx) == 1;

    public static Task ReleaseAsync(IDbConnection connection, IDbTransaction tx, Guid instanceId) =>
        connection.ExecuteAsync("DELETE FROM execution_leases WHERE instance_id = @Id", new { Id = instanceId.ToString() }, tx);

    /// <summary>
    /// Keeps the lease in step with the step just applied, in its transaction: a step that starts a Gateway call writes
    /// the lease; one that ends the execution in flight (outcome recorded, or taken over into review) deletes it.
    /// </summary>
    public static async Task FollowAsync(IDbConnection connection, IDbTransaction tx, WorkflowInstance before, StepResult step, DateTimeOffset now, TimeSpan lease)
    {
        if (step.Effects.OfType<CallGateway>().SingleOrDefault() is { } call)
        {
            await AcquireAsync(connection, tx, step.State.Id, call.Attempt, call.IdempotencyKey, step.State.Execution!.StartedBy, now, lease);
        }
        else if (InFlight(before) && !InFlight(step.State))
        {
            await ReleaseAsync(connection, tx, step.State.Id);
        }
    }

    /// <summary>An execution start recorded without its outcome: the call may be in flight.</summary>
    public static bool InFlight(WorkflowInstance state) => state.Status == InstanceStatus.Executing && state.Execution is { Result: null };

    /// <summary>
    /// Ends at once the unexpired leases whose owners are not <paramref name="isAlive"/> (only where that is provable:
    /// a database file this process owns exclusively). Returns how many.
    /// </summary>
    public static async Task<int> EndDeadOwnersAsync(IDbConnection connection, IDbTransaction tx, Func<string, bool> isAlive, DateTimeOffset now)
    {
        var at = Timestamps.ToText(now);
        var owners = await connection.QueryAsync<string>("SELECT DISTINCT owner FROM execution_leases WHERE expires_at >= @At", new { At = at }, tx);
        var ended = 0;
        foreach (var owner in owners.Where(o => !isAlive(o)))
        {
            ended += await connection.ExecuteAsync(
                "UPDATE execution_leases SET expires_at = @At WHERE owner = @Owner AND expires_at >= @At", new { At = at, Owner = owner }, tx);
        }

        return ended;
    }

    private sealed record Row(string InstanceId, long Attempt, string IdempotencyKey, string Owner, string AcquiredAt, string HeartbeatAt, string ExpiresAt)
    {
        public ExecutionLease ToLease() => new(
            Guid.Parse(InstanceId), (int)Attempt, IdempotencyKey, Owner, Timestamps.Parse(AcquiredAt), Timestamps.Parse(HeartbeatAt), Timestamps.Parse(ExpiresAt));
    }
}
