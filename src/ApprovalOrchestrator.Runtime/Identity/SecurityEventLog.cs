using System.Threading.Channels;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Runtime.Identity;

/// <summary>
/// Refused calls (401/403) and refused bus messages: who, where, why; never the token. Recording only queues the
/// event (bounded, in memory) so that a flood of refusals never takes the database's one write lock from the
/// workflow; <see cref="SecurityEventWriter"/> writes the queue in the background, identical events of one window as
/// one row with a count. When the queue is full an event is not written but counted, and the count is written as a
/// row of its own: nothing is dropped silently.
/// </summary>
public sealed class SecurityEventLog
{
    /// <summary>The <c>actor</c> of the rows that report events dropped from a full queue.</summary>
    public const string DroppedActor = "security-log";

    private readonly Database _database;
    private readonly TimeProvider _clock;
    private readonly ILogger<SecurityEventLog> _logger;
    private readonly Channel<Pending> _queue;
    private readonly SemaphoreSlim _writing = new(1, 1);
    private long _dropped;
    private long _droppedTotal;

    public SecurityEventLog(Database database, TimeProvider clock, IOptions<SecurityLogOptions> options, ILogger<SecurityEventLog> logger)
    {
        _database = database;
        _clock = clock;
        _logger = logger;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(Math.Max(1, options.Value.QueueCapacity))
        {
            FullMode = BoundedChannelFullMode.Wait, // so TryWrite says when it is full, and the loss is counted
            SingleReader = false,
        });
    }

    /// <summary>Events refused because the queue was full, since start (also written as rows).</summary>
    public long DroppedTotal => Interlocked.Read(ref _droppedTotal);

    /// <summary>Queues one refusal; never blocks and never fails the caller.</summary>
    public void Record(int status, string actor, string method, string path, string reason, string? remoteIp)
    {
        if (!_queue.Writer.TryWrite(new Pending(_clock.GetUtcNow(), status, Clip(actor), method, Clip(path), Clip(reason), remoteIp)))
        {
            Interlocked.Increment(ref _dropped);
            Interlocked.Increment(ref _droppedTotal);
        }
    }

    /// <summary>As <see cref="Record"/>, for callers written against the earlier awaitable API.</summary>
    public Task RecordAsync(int status, string actor, string method, string path, string reason, string? remoteIp)
    {
        Record(status, actor, method, path, reason, remoteIp);
        return Task.CompletedTask;
    }

    /// <summary>Waits until something is queued.</summary>
    internal ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken) => _queue.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>Writes everything queued so far, aggregated, in one transaction. Returns the number of events written.</summary>
    public async Task<int> FlushAsync()
    {
        await _writing.WaitAsync();
        try
        {
            var batch = new List<Pending>();
            while (_queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            var dropped = Interlocked.Exchange(ref _dropped, 0);
            if (batch.Count == 0 && dropped == 0)
            {
                return 0;
            }

            var rows = batch
                .GroupBy(e => (e.Status, e.Actor, e.Method, e.Path, e.Reason, e.RemoteIp))
                .Select(g => new
                {
                    At = Timestamps.ToText(g.Min(e => e.At)),
                    LastAt = Timestamps.ToText(g.Max(e => e.At)),
                    g.Key.Status,
                    g.Key.Actor,
                    g.Key.Method,
                    g.Key.Path,
                    g.Key.Reason,
                    g.Key.RemoteIp,
                    Count = g.Count(),
                })
                .ToList();
            if (dropped > 0)
            {
                var now = Timestamps.ToText(_clock.GetUtcNow());
                rows.Add(new { At = now, LastAt = now, Status = 0, Actor = DroppedActor, Method = "-", Path = "-", Reason = "security events not recorded: the queue was full", RemoteIp = (string?)null, Count = (int)Math.Min(dropped, int.MaxValue) });
                _logger.LogWarning("{Count} security events arrived while the queue was full; recorded as one count", dropped);
            }

            try
            {
                await _database.InTransactionAsync(async (connection, tx) =>
                {
                    foreach (var row in rows)
                    {
                        var id = await connection.ExecuteScalarAsync<long>(
                            "INSERT INTO security_events (at, last_at, status, actor, method, path, reason, remote_ip, count) VALUES (@At, @LastAt, @Status, @Actor, @Method, @Path, @Reason, @RemoteIp, @Count) RETURNING id",
                            row,
                            tx);
                        // In the signed audit log too, in the same transaction (docs/audit.md). The leaf covers the
                        // first refusal of the row; count and last_at of the aggregate are not signed.
                        await Audit.AuditLog.AppendAsync(connection, tx, Core.Audit.Log.LogEntries.SecurityEvent, id.ToString(System.Globalization.CultureInfo.InvariantCulture), null,
                            Core.Audit.Log.LogEntries.ForSecurityEvent(id, row.At, row.Status, row.Actor, row.Method, row.Path, row.Reason, row.RemoteIp));
                    }

                    return 0;
                });
            }
            catch (Exception ex)
            {
                // The refusals happened either way; a lost batch is counted so the next write reports it.
                Interlocked.Add(ref _dropped, batch.Count);
                Interlocked.Add(ref _droppedTotal, batch.Count);
                _logger.LogError(ex, "Could not record {Count} security events", batch.Count);
            }

            return batch.Count;
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>Newest first. Writes what is queued first, so a refusal just made is listed.</summary>
    public async Task<IReadOnlyList<SecurityEvent>> ListAsync(int offset, int limit)
    {
        await FlushAsync();
        await using var connection = await _database.OpenAsync();
        var rows = await connection.QueryAsync<(long Id, string At, string? LastAt, long Status, string Actor, string Method, string Path, string Reason, string? RemoteIp, long Count)>(
            "SELECT id, at, last_at, status, actor, method, path, reason, remote_ip, count FROM security_events ORDER BY id DESC LIMIT @limit OFFSET @offset", new { offset, limit });
        return rows.Select(r => new SecurityEvent(
            r.Id, Timestamps.Parse(r.At), (int)r.Status, r.Actor, r.Method, r.Path, r.Reason, r.RemoteIp, (int)r.Count, Timestamps.Parse(r.LastAt ?? r.At))).ToList();
    }

    private static string Clip(string text) => text.Length <= 500 ? text : text[..500];

    private sealed record Pending(DateTimeOffset At, int Status, string Actor, string Method, string Path, string Reason, string? RemoteIp);
}

/// <summary>One row: <see cref="Count"/> identical events between <see cref="At"/> and <see cref="LastAt"/>.</summary>
public sealed record SecurityEvent(long Id, DateTimeOffset At, int Status, string Actor, string Method, string Path, string Reason, string? RemoteIp, int Count, DateTimeOffset LastAt);
