using System.Data.Common;
using ApprovalOrchestrator.Application.Delegation;
using ApprovalOrchestrator.Core.Delegation;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;

namespace ApprovalOrchestrator.Runtime.Approvals;

/// <summary>Delegations, stored; chains and cycles are the pure <see cref="DelegationGraph"/>'s business.</summary>
public sealed class DelegationStore(Database database, TimeProvider clock) : IDelegations
{
    /// <summary>
    /// Records the grant unless it would close a cycle with grants that overlap its window (checked in the write
    /// transaction, so two concurrent grants cannot build a cycle together). Returns the cycle when refused.
    /// </summary>
    public Task<IReadOnlyList<string>?> CreateAsync(DelegationGrant grant, string createdBy) =>
        database.InTransactionAsync(async (connection, tx) =>
        {
            var current = await LoadAsync(connection, tx, clock.GetUtcNow());
            if (DelegationGraph.FindCycle(grant, current) is { } cycle)
            {
                return cycle;
            }

            var row = new
            {
                Id = grant.Id.ToString(),
                grant.Delegator,
                grant.Delegate,
                Groups = Json.Serialize(grant.DelegatorGroups),
                StartsAt = Timestamps.ToText(grant.StartsAt),
                EndsAt = Timestamps.ToText(grant.EndsAt),
                CreatedBy = createdBy,
                CreatedAt = Timestamps.ToText(clock.GetUtcNow()),
            };
            await connection.ExecuteAsync(
                """
                INSERT INTO delegations (id, delegator, delegate, delegator_groups, starts_at, ends_at, created_by, created_at)
                VALUES (@Id, @Delegator, @Delegate, @Groups, @StartsAt, @EndsAt, @CreatedBy, @CreatedAt)
                """,
                row,
                tx);
            // In the signed audit log too, in the same transaction (docs/audit.md).
            await Audit.AuditLog.AppendAsync(connection, tx, Core.Audit.Log.LogEntries.Delegation, row.Id, null,
                Core.Audit.Log.LogEntries.ForDelegation(row.Id, row.Delegator, row.Delegate, row.Groups, row.StartsAt, row.EndsAt, row.CreatedBy, row.CreatedAt));
            return (IReadOnlyList<string>?)null;
        });

    /// <summary>
    /// Ends a grant now if <paramref name="mayRevoke"/> (the use case's rule, Application/Delegation/RevokeDelegation)
    /// allows it; a revocation is a row of its own with its leaf in the signed log (the grant's own row and leaf stay as
    /// they were made).
    /// </summary>
    public Task<RevocationOutcome> RevokeAsync(Guid id, string by, string? reason, Func<RevocableGrant, bool> mayRevoke) =>
        database.InTransactionAsync(async (connection, tx) =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<(string Delegator, string Delegate, string CreatedBy, string EndsAt)?>(
                "SELECT delegator, delegate, created_by, ends_at FROM delegations WHERE id = @id", new { id = id.ToString() }, tx);
            if (row is not { } grant)
            {
                return RevocationOutcome.NotFound;
            }

            if (!mayRevoke(new RevocableGrant(grant.Delegator, grant.Delegate, grant.CreatedBy)))
            {
                return RevocationOutcome.Forbidden;
            }

            var now = clock.GetUtcNow();
            var revoked = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM delegation_revocations WHERE delegation_id = @id", new { id = id.ToString() }, tx) > 0;
            if (revoked || Timestamps.Parse(grant.EndsAt) <= now)
            {
                return RevocationOutcome.AlreadyEnded;
            }

            var at = Timestamps.ToText(now);
            await connection.ExecuteAsync(
                "INSERT INTO delegation_revocations (delegation_id, revoked_by, revoked_at, reason) VALUES (@id, @by, @at, @reason)",
                new { id = id.ToString(), by, at, reason },
                tx);
            await Audit.AuditLog.AppendAsync(connection, tx, Core.Audit.Log.LogEntries.DelegationRevocation, id.ToString(), null,
                Core.Audit.Log.LogEntries.ForDelegationRevocation(id.ToString(), by, at, reason));
            return RevocationOutcome.Revoked;
        });

    /// <summary>What <paramref name="actor"/> may do for others right now.</summary>
    public async Task<IReadOnlyList<DelegatedAuthority>> AuthoritiesAsync(string actor)
    {
        var now = clock.GetUtcNow();
        await using var connection = await database.OpenAsync();
        return DelegationGraph.Resolve(actor, await LoadAsync(connection, null, now), now);
    }

    /// <summary>Grants given by or to <paramref name="person"/> that have not ended.</summary>
    public async Task<IReadOnlyList<DelegationGrant>> ListAsync(string person)
    {
        await using var connection = await database.OpenAsync();
        return (await LoadAsync(connection, null, clock.GetUtcNow()))
            .Where(g => g.Delegator == person || g.Delegate == person).ToList();
    }

    private static async Task<List<DelegationGrant>> LoadAsync(System.Data.IDbConnection connection, System.Data.IDbTransaction? tx, DateTimeOffset now)
    {
        var rows = await connection.QueryAsync<(string Id, string Delegator, string Delegate, string Groups, string StartsAt, string EndsAt)>(
            // A revoked grant ends at its revocation.
            "SELECT d.id, d.delegator, d.delegate, d.delegator_groups, d.starts_at, CASE WHEN r.revoked_at IS NOT NULL AND r.revoked_at < d.ends_at THEN r.revoked_at ELSE d.ends_at END AS ends_at " +
            "FROM delegations d LEFT JOIN delegation_revocations r ON r.delegation_id = d.id " +
            "WHERE d.ends_at > @now AND (r.revoked_at IS NULL OR r.revoked_at > @now)",
            new { now = Timestamps.ToText(now) },
            tx);
        return rows.Select(r => new DelegationGrant(Guid.Parse(r.Id), r.Delegator, r.Delegate, Json.Deserialize<string[]>(r.Groups), Timestamps.Parse(r.StartsAt), Timestamps.Parse(r.EndsAt))).ToList();
    }
}
