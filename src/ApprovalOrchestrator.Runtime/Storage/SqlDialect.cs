using System.Collections.Concurrent;
using System.Data;

namespace ApprovalOrchestrator.Runtime.Storage;

/// <summary>
/// The few things the two databases spell differently, so queries outside the provider folders stay portable. Code that
/// only holds a connection (static repositories) finds the dialect with <see cref="Of"/>.
/// </summary>
public abstract class SqlDialect
{
    private static readonly ConcurrentDictionary<Type, SqlDialect> s_byConnectionType = new();

    /// <summary>The dialect of <paramref name="connection"/>'s provider.</summary>
    public static SqlDialect Of(IDbConnection connection) =>
        s_byConnectionType.TryGetValue(connection.GetType(), out var dialect)
            ? dialect
            : throw new InvalidOperationException($"No storage provider is registered for {connection.GetType().Name}.");

    protected static void Register(Type connectionType, SqlDialect dialect) => s_byConnectionType[connectionType] = dialect;

    /// <summary>The text at <paramref name="path"/> (e.g. <c>request</c> or <c>execution.toolKey</c>) of a JSON text column, NULL when absent.</summary>
    public abstract string JsonText(string column, string path);

    /// <summary>
    /// Appended to a SELECT that claims rows for this process (outbox, sweeps): on PostgreSQL rows another node has
    /// claimed are skipped instead of waited for; SQLite has one writer, so nothing to add.
    /// </summary>
    public abstract string SkipLocked { get; }

    /// <summary>
    /// Whether instance states are stored compressed (a BLOB in the text column, <c>Engine/InstanceState</c>): on SQLite,
    /// where a row is stored whole in its page; PostgreSQL keeps the JSON text (TOAST compresses long values itself).
    /// </summary>
    public virtual bool CompressesState => false;

    /// <summary>
    /// Appended to a SELECT of a row another transaction's UPDATE must wait for (and that waits for such an UPDATE to
    /// commit, then reads the committed row): PostgreSQL's FOR SHARE. SQLite has one writer, so nothing to add.
    /// </summary>
    public abstract string ForShare { get; }

    /// <summary>
    /// Serializes appends to one global sequence (the signed log's leaf index) among concurrent transactions, until the
    /// caller's transaction ends. SQLite's single writer already does.
    /// </summary>
    public abstract Task LockSequenceAsync(IDbConnection connection, IDbTransaction tx, string sequence);

    /// <summary>
    /// Tries to take the turn at a job only one node may do at a time (dispatching the outbox), for the rest of the
    /// caller's transaction; false when another node has it. The database releases it if that node dies. SQLite: always
    /// the turn (one process owns the file).
    /// </summary>
    public abstract Task<bool> TryTurnAsync(IDbConnection connection, IDbTransaction tx, string job);

    /// <summary>
    /// <c>column IN (list)</c> for a list parameter: Dapper expands lists into one parameter per item on SQLite, and
    /// passes them as one array on PostgreSQL (then <c>= ANY</c>). An empty list matches nothing on both.
    /// </summary>
    public abstract string In(string column, string parameter);

    /// <summary><c>column NOT IN (list)</c>, see <see cref="In"/>; an empty list excludes nothing.</summary>
    public abstract string NotIn(string column, string parameter);

    /// <summary>An integer column expression for "the order rows were inserted in", a tie-break only (SQLite: rowid; PostgreSQL: none, 0).</summary>
    public abstract string InsertionOrder { get; }

    /// <summary>Whether signed-log appends wait until just before commit (concurrent writers) or happen at once (one writer).</summary>
    public abstract bool DefersLogAppends { get; }

    /// <summary>Busy/locked/serialization/deadlock: the same work may pass if tried again a little later.</summary>
    public abstract bool IsTransient(Exception ex);

    /// <summary>A unique or primary-key constraint refused the row (another transaction wrote the same key first).</summary>
    public abstract bool IsUniqueViolation(Exception ex);

    /// <summary>Whether <paramref name="ex"/> (or an inner exception) is transient for any registered provider.</summary>
    public static bool AnyTransient(Exception ex) => s_byConnectionType.Values.Distinct().Any(d => d.IsTransient(ex));

    /// <summary>Whether <paramref name="ex"/> is a unique violation for any registered provider.</summary>
    public static bool AnyUniqueViolation(Exception ex) => s_byConnectionType.Values.Distinct().Any(d => d.IsUniqueViolation(ex));
}
