using System.Data.Common;
using System.Data;
using ApprovalOrchestrator.Core.Audit.Log;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Runtime.Audit;

/// <summary>
/// Signs checkpoints of the log and serves them with their proofs. Before each signature it checks that the stored
/// tree still extends the last checkpoint it signed (and the one last published to the witness file): a truncated or
/// rewritten history is refused, never signed over, and <see cref="Problem"/> says why (readiness reports it).
/// </summary>
public sealed class CheckpointService : IDisposable
{
    private readonly Database _database;
    private readonly TimeProvider _clock;
    private readonly ILogger<CheckpointService> _logger;
    private readonly AuditLogOptions _options;
    private readonly Lazy<NoteSigner> _signer;

    private readonly IHttpClientFactory? _http;

    public CheckpointService(Database database, TimeProvider clock, IOptions<AuditLogOptions> options, ILogger<CheckpointService> logger, IHttpClientFactory? http = null)
    {
        _http = http;
        _database = database;
        _clock = clock;
        _logger = logger;
        _options = options.Value;
        KeyFile = AuditLogKey.PathFor(_options, database.DataDirectory);
        _signer = new Lazy<NoteSigner>(() => AuditLogKey.LoadOrCreate(KeyFile, _options.Origin));
    }

    public string KeyFile { get; }

    public NoteVerifier Verifier => _signer.Value.Verifier;

    /// <summary>Why the log refuses to sign (history does not extend a signed checkpoint), or null when healthy.</summary>
    public string? Problem { get; private set; }

    /// <summary>
    /// Signs the current tree unless the latest checkpoint already covers it (then returns that one). Throws
    /// <see cref="AuditLogBrokenException"/> when the tree no longer extends an earlier checkpoint.
    /// </summary>
    public async Task<StoredCheckpoint> SignAsync()
    {
        if (Problem is { } refused)
        {
            throw new AuditLogBrokenException(refused); // sticky until an operator resolves it and restarts
        }

        var signer = _signer.Value;
        var signed = await _database.InTransactionAsync(async (connection, tx) =>
        {
            // Under the log's sequence lock: the size is final for this transaction, and of several servers signing at
            // once the later ones find the checkpoint the first one wrote.
            await _database.Sql.LockSequenceAsync(connection, tx, "log_leaves");
            var size = await AuditLog.SizeAsync(connection, tx);
            var latest = await LatestAsync(connection, tx);
            var nodes = new StoredMerkleNodes(connection, tx);
            if (latest is not null)
            {
                Require(CheckExtends(nodes, size, latest, "its last checkpoint"));
                if (latest.Size == size)
                {
                    return (latest, false);
                }
            }

            var now = _clock.GetUtcNow();
            var checkpoint = new Checkpoint(signer.Name, size, MerkleTree.Root(nodes, size), now);
            var note = checkpoint.Sign(signer);
            var keyId = NoteKeys.KeyIdText(signer.KeyId);
            await connection.ExecuteAsync(
                "INSERT INTO log_checkpoints (size, root, key_id, signed_at, note) VALUES (@size, @root, @keyId, @at, @note)",
                new { size, root = checkpoint.Root, keyId, at = Timestamps.ToText(now), note },
                tx);
            await connection.ExecuteAsync(
                "INSERT INTO log_keys (key_id, verifier_key, first_used_at) VALUES (@keyId, @key, @at) ON CONFLICT (key_id) DO NOTHING",
                new { keyId, key = signer.Verifier.VerifierKey, at = Timestamps.ToText(now) },
                tx);
            return (new StoredCheckpoint(size, checkpoint.Root, keyId, now, note), true);
        });

        if (signed.Item2)
        {
            Publish(signed.Item1);
        }

        return signed.Item1;
    }

    /// <summary>
    /// At start-up: loads (or creates) the key and checks the tree against the last checkpoint in the database and the
    /// last one published to the witness file. A failure sets <see cref="Problem"/>; signing stays refused.
    /// </summary>
    public async Task CheckAtStartAsync()
    {
        _ = _signer.Value;
        await using var connection = await _database.OpenAsync();
        var size = await AuditLog.SizeAsync(connection, null);
        var nodes = new StoredMerkleNodes(connection, null);
        var problem = await LatestAsync(connection, null) is { } latest ? CheckExtends(nodes, size, latest, "its last checkpoint") : null;
        if (problem is null && LastPublished(await KnownVerifiersAsync(connection)) is { } published)
        {
            problem = CheckExtends(nodes, size, published, $"the checkpoint last published to {_options.WitnessFile}");
        }

        if (problem is not null)
        {
            Problem = problem;
            _logger.LogCritical("Audit log: {Problem}. No checkpoint will be signed until this is resolved.", problem);
        }
    }

    public async Task<StoredCheckpoint?> LatestAsync()
    {
        await using var connection = await _database.OpenAsync();
        return await LatestAsync(connection, null);
    }

    public async Task<StoredCheckpoint?> BySizeAsync(long size)
    {
        await using var connection = await _database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<StoredCheckpoint>($"{Select} WHERE size = @size", new { size });
    }

    /// <summary>Every key that has signed a checkpoint, the current one first (verifier-key text).</summary>
    public async Task<IReadOnlyList<string>> KeysAsync()
    {
        await using var connection = await _database.OpenAsync();
        return (await KnownVerifiersAsync(connection)).Select(v => v.VerifierKey).ToList();
    }

    public async Task<long> SizeAsync()
    {
        await using var connection = await _database.OpenAsync();
        return await AuditLog.SizeAsync(connection, null);
    }

    /// <summary>Inclusion proof of leaf <paramref name="index"/> in the tree of <paramref name="size"/>; null when out of range.</summary>
    public async Task<(byte[] LeafHash, IReadOnlyList<byte[]> Proof)?> InclusionAsync(long index, long size)
    {
        await using var connection = await _database.OpenAsync();
        if (index < 0 || index >= size || size > await AuditLog.SizeAsync(connection, null))
        {
            return null;
        }

        var nodes = new StoredMerkleNodes(connection, null);
        return (nodes.Node(0, index), MerkleTree.InclusionProof(nodes, index, size));
    }

    /// <summary>Consistency proof between two tree sizes; null when out of range.</summary>
    public async Task<IReadOnlyList<byte[]>?> ConsistencyAsync(long from, long to)
    {
        await using var connection = await _database.OpenAsync();
        if (from < 0 || from > to || to > await AuditLog.SizeAsync(connection, null))
        {
            return null;
        }

        return MerkleTree.ConsistencyProof(new StoredMerkleNodes(connection, null), from, to);
    }

    public void Dispose()
    {
        if (_signer.IsValueCreated)
        {
            _signer.Value.Dispose();
        }
    }

    private const string Select = "SELECT size AS Size, root AS Root, key_id AS KeyId, signed_at AS SignedAtText, note AS Note FROM log_checkpoints";

    private static Task<StoredCheckpoint?> LatestAsync(IDbConnection connection, IDbTransaction? tx) =>
        connection.QuerySingleOrDefaultAsync<StoredCheckpoint?>($"{Select} ORDER BY size DESC LIMIT 1", transaction: tx);

    private async Task<IReadOnlyList<NoteVerifier>> KnownVerifiersAsync(IDbConnection connection)
    {
        var current = _signer.Value.Verifier;
        var stored = await connection.QueryAsync<string>("SELECT verifier_key FROM log_keys ORDER BY first_used_at DESC");
        return new[] { current }.Concat(stored.Where(k => k != current.VerifierKey).Select(NoteKeys.ParseVerifier)).ToList();
    }

    private static string? CheckExtends(IMerkleNodes nodes, long size, StoredCheckpoint signed, string what)
    {
        if (size < signed.Size)
        {
            return $"the log has {size} entries but {what} covers {signed.Size}: entries were removed";
        }

        try
        {
            return MerkleTree.Root(nodes, signed.Size).AsSpan().SequenceEqual(signed.Root)
                ? null
                : $"the log's first {signed.Size} entries no longer hash to the root of {what}: history was rewritten";
        }
        catch (AuditLogBrokenException ex)
        {
            return ex.Message;
        }
    }

    private void Require(string? problem)
    {
        if (problem is not null)
        {
            Problem = problem;
            throw new AuditLogBrokenException(problem);
        }
    }

    public const string WitnessClient = "audit-witness";

    /// <summary>
    /// Appends the signed note to the witness file and POSTs it to the witness URL (both outside the database); a
    /// failure is logged, not fatal: the checkpoint is signed and stored either way.
    /// </summary>
    private void Publish(StoredCheckpoint checkpoint)
    {
        if (_options.WitnessUrl is { } url && _http is not null)
        {
            _ = PostAsync(url, checkpoint);
        }

        if (_options.WitnessFile is not { Length: > 0 } file)
        {
            return;
        }

        try
        {
            File.AppendAllText(file, checkpoint.Note + WitnessSeparator);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogError(ex, "Could not publish checkpoint {Size} to the witness file {File}", checkpoint.Size, file);
        }
    }

    private const string WitnessSeparator = "\n";

    private async Task PostAsync(Uri url, StoredCheckpoint checkpoint)
    {
        try
        {
            using var client = _http!.CreateClient(WitnessClient);
            using var response = await client.PostAsync(url, new StringContent(checkpoint.Note, System.Text.Encoding.UTF8, "text/plain"));
            if (!response.IsSuccessStatusCode)
            {
                _logger.LogError("The witness at {Url} answered {Status} to checkpoint {Size}", url, (int)response.StatusCode, checkpoint.Size);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            _logger.LogError(ex, "Could not publish checkpoint {Size} to the witness at {Url}", checkpoint.Size, url);
        }
    }

    /// <summary>
    /// The notes of a witness file, oldest first: each is its text lines, a blank line, its "— " signature lines; a blank
    /// line (or any other line) after the signatures ends it.
    /// </summary>
    internal static IEnumerable<string> SplitNotes(string text)
    {
        var current = new System.Text.StringBuilder();
        var inSignatures = false;
        foreach (var line in text.Split('\n'))
        {
            if (inSignatures && !line.StartsWith('\u2014'))
            {
                yield return current.ToString();
                current.Clear();
                inSignatures = false;
                if (line.Length == 0)
                {
                    continue;
                }
            }

            if (!inSignatures && line.Length == 0)
            {
                if (current.Length > 0)
                {
                    inSignatures = true;
                    current.Append('\n');
                }

                continue;
            }

            current.Append(line).Append('\n');
        }

        if (inSignatures)
        {
            yield return current.ToString();
        }
    }

    private StoredCheckpoint? LastPublished(IReadOnlyList<NoteVerifier> verifiers)
    {
        if (_options.WitnessFile is not { Length: > 0 } file || !File.Exists(file))
        {
            return null;
        }

        foreach (var note in SplitNotes(File.ReadAllText(file)).Reverse())
        {
            if (Checkpoint.Open(note, verifiers) is ({ } c, _, null))
            {
                return new StoredCheckpoint(c.Size, c.Root, string.Empty, c.Time, note);
            }
        }

        return null;
    }
}

/// <summary>A signed checkpoint as stored: its size, root, signing key id, time and the signed note text.</summary>
public sealed record StoredCheckpoint(long Size, byte[] Root, string KeyId, DateTimeOffset SignedAt, string Note)
{
    // Dapper materializes through this constructor (the stored time is text).
    public StoredCheckpoint(long Size, byte[] Root, string KeyId, string SignedAtText, string Note)
        : this(Size, Root, KeyId, Timestamps.Parse(SignedAtText), Note)
    {
    }
}
