using System.Data;
using ApprovalOrchestrator.Core.Controls;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;

namespace ApprovalOrchestrator.Runtime.Controls;

/// <summary>
/// The kill switch's rows (tables <c>execution_halts</c>, <c>control_state</c>), read and written inside the caller's
/// transaction. Portable SQL. Every halt and resume bumps <c>control_state.revision</c> first: on PostgreSQL that UPDATE
/// waits for execute steps holding the row FOR SHARE (<see cref="InForceForStartAsync"/>) and makes later ones wait for
/// its commit, so no execution start commits after a halt that covers it committed.
/// </summary>
public static class HaltRows
{
    private const string Columns = "id AS Id, scope AS Scope, target AS Target, reason AS Reason, halted_by AS HaltedBy, halted_at AS HaltedAt, " +
        "resumed_by AS ResumedBy, resumed_at AS ResumedAt, resume_reason AS ResumeReason";

    /// <summary>The revision, read under a share lock on PostgreSQL: the execute step's guard against a halt committing meanwhile.</summary>
    public static Task<long> LockRevisionAsync(IDbConnection connection, IDbTransaction tx) =>
        connection.ExecuteScalarAsync<long>("SELECT revision FROM control_state WHERE id = 1" + SqlDialect.Of(connection).ForShare, transaction: tx);

    public static Task<long> RevisionAsync(IDbConnection connection, IDbTransaction? tx = null) =>
        connection.ExecuteScalarAsync<long>("SELECT revision FROM control_state WHERE id = 1", transaction: tx);

    /// <summary>Takes the halt writers' lock (and waits for execute steps in progress) by moving the revision on.</summary>
    public static Task BumpRevisionAsync(IDbConnection connection, IDbTransaction tx) =>
        connection.ExecuteAsync("UPDATE control_state SET revision = revision + 1 WHERE id = 1", transaction: tx);

    public static async Task<IReadOnlyList<Halt>> InForceAsync(IDbConnection connection, IDbTransaction? tx) =>
        (await connection.QueryAsync<Row>($"SELECT {Columns} FROM execution_halts WHERE resumed_at IS NULL ORDER BY halted_at, id", transaction: tx))
            .Select(r => r.ToHalt()).ToList();

    /// <summary>
    /// The halts in force for an execute step: the revision under its share lock first, then the rows. When the revision is
    /// still <paramref name="known"/>'s, its halts are current and the table need not be read (the fast path).
    /// </summary>
    public static async Task<IReadOnlyList<Halt>> InForceForStartAsync(IDbConnection connection, IDbTransaction tx, HaltBoard.Snapshot? known)
    {
        var revision = await LockRevisionAsync(connection, tx);
        return known is { } k && k.Revision == revision ? k.Halts : await InForceAsync(connection, tx);
    }

    public static async Task<Row?> FindAsync(IDbConnection connection, IDbTransaction? tx, string id) =>
        await connection.QuerySingleOrDefaultAsync<Row>($"SELECT {Columns} FROM execution_halts WHERE id = @id", new { id }, tx);

    public static Task InsertAsync(IDbConnection connection, IDbTransaction tx, Halt halt) =>
        connection.ExecuteAsync(
            "INSERT INTO execution_halts (id, scope, target, reason, halted_by, halted_at) VALUES (@Id, @Scope, @Target, @Reason, @By, @At)",
            new { halt.Id, Scope = halt.Scope.ToWire(), halt.Target, halt.Reason, halt.By, At = Timestamps.ToText(halt.Since) },
            tx);

    /// <summary>Lifts the halt if it is still in force; false when it was not (already lifted, or unknown).</summary>
    public static async Task<bool> LiftAsync(IDbConnection connection, IDbTransaction tx, string id, string by, string at, string reason) =>
        await connection.ExecuteAsync(
            "UPDATE execution_halts SET resumed_by = @by, resumed_at = @at, resume_reason = @reason WHERE id = @id AND resumed_at IS NULL",
            new { id, by, at, reason },
            tx) == 1;

    public sealed record Row(string Id, string Scope, string? Target, string Reason, string HaltedBy, string HaltedAt, string? ResumedBy, string? ResumedAt, string? ResumeReason)
    {
        // An unknown scope (a newer release's) reads as "all": fail closed.
        public Halt ToHalt() => new(Id, HaltScopeExtensions.TryParseWire(Scope, out var s) ? s : HaltScope.All, Target, Reason, HaltedBy, Timestamps.Parse(HaltedAt));
    }
}
