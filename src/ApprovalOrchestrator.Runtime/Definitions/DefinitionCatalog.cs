using System.Data.Common;
using System.Collections.Concurrent;
using System.Data;
using System.Text.Json;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;

namespace ApprovalOrchestrator.Runtime.Definitions;

/// <summary>
/// Definition drafts and published versions, stored in the database. Published versions are immutable (so parsed ones are
/// cached by (id, version)); the database stays the source of truth for which exist, which are retracted and which is latest.
/// "Latest" is the newest version that is not retracted: new requests start on it, running ones stay on their pinned version.
/// Every change is recorded in <c>definition_events</c> in the same transaction.
/// </summary>
public sealed class DefinitionCatalog(Database database, IApproverGroupDirectory groups, TimeProvider clock)
{
    /// <summary>Author prefix of versions imported from workflow files (<c>import:agent-action-approval.yaml</c>).</summary>
    public const string ImportAuthorPrefix = "import:";

    private const string VersionColumns = """
        d.id AS Id, d.version AS Version, d.hash AS Hash, d.author AS Author, d.comment AS Comment, d.created_at AS CreatedAt,
        r.retracted_at AS RetractedAt, r.author AS RetractedBy, r.comment AS RetractComment
        FROM definitions d LEFT JOIN definition_retractions r ON r.id = d.id AND r.version = d.version
        """;

    private readonly ConcurrentDictionary<(string, int), PublishedDefinition> _cache = new();

    /// <summary>Parses and validates (parser and JSON Schema) against the current group directory; what publishing would check.</summary>
    public DefinitionParseResult Validate(string source)
    {
        var directory = groups.Snapshot();
        return DefinitionValidation.Validate(source, directory.KnownGroups, directory.GroupSizes);
    }

    /// <summary>The newest version that is not retracted, or null (then requests naming this definition are refused).</summary>
    public async Task<PublishedDefinition?> GetLatestAsync(string id)
    {
        await using var connection = await database.OpenAsync();
        var version = await LatestVersionAsync(connection, null, id);
        return version is int v ? await GetAsync(id, v) : null;
    }

    /// <summary>A published version, retracted or not (pinned instances keep running on retracted versions).</summary>
    public async Task<PublishedDefinition?> GetAsync(string id, int version)
    {
        if (_cache.TryGetValue((id, version), out var cached))
        {
            return cached;
        }

        var row = await GetSourceAsync(id, version);
        if (row is not { } r)
        {
            return null;
        }

        // Group checks are skipped on purpose: a later directory change must not make published history unreadable.
        var parsed = DefinitionParser.Parse(r.Source);
        if (parsed.Definition is null)
        {
            // Only valid definitions are ever stored; a stored one that no longer parses is corruption: fail closed.
            throw new InvalidOperationException($"Stored definition {id} v{version} no longer parses: {string.Join("; ", parsed.Errors)}");
        }

        var published = new PublishedDefinition(new DefinitionRef(id, version, r.Info.Hash), parsed.Definition, r.Info.Author, r.Info.Comment, r.Info.CreatedAt);
        return _cache.GetOrAdd((id, version), published);
    }

    /// <summary>A version's source exactly as published (for export), with its listing.</summary>
    public async Task<(DefinitionVersionInfo Info, string Source)?> GetSourceAsync(string id, int version)
    {
        await using var connection = await database.OpenAsync();
        var info = await VersionInfoAsync(connection, null, id, version);
        if (info is null)
        {
            return null;
        }

        var source = await connection.QuerySingleAsync<string>("SELECT source FROM definitions WHERE id = @id AND version = @version", new { id, version });
        return (info, source);
    }

    /// <summary>Every published version, optionally of one definition, oldest first.</summary>
    public async Task<IReadOnlyList<DefinitionVersionInfo>> ListAsync(string? id = null)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<VersionRow>(
            $"SELECT {VersionColumns} WHERE (@id IS NULL OR d.id = @id) ORDER BY d.id, d.version", new { id });
        return rows.Select(ToInfo).ToList();
    }

    /// <summary>
    /// Validates <paramref name="source"/> and stores it as the next version of its definition, unless the latest version
    /// already has the same content hash (then that version is returned with <c>Created = false</c>).
    /// </summary>
    /// <exception cref="DefinitionInvalidException">The source has errors; nothing is stored.</exception>
    public Task<(DefinitionRef Ref, bool Created)> PublishAsync(string source, string author, string? comment) =>
        PublishAsync(source, author, comment, DefinitionEventKinds.Published, null);

    /// <summary>Publishes a saved draft (re-validated now) and deletes it, in one transaction.</summary>
    public async Task<(DefinitionRef Ref, bool Created)> PublishDraftAsync(Guid draftId, string author, string? comment)
    {
        var draft = await GetDraftAsync(draftId) ?? throw new DefinitionNotFoundException($"No draft {draftId}.");
        return await PublishAsync(draft.Source, author, comment, DefinitionEventKinds.Published, draftId);
    }

    /// <summary>
    /// Retracts a published version: new requests no longer start on it (latest falls back to the newest version not
    /// retracted); instances already pinned to it finish on it. False when it was already retracted.
    /// </summary>
    public async Task<bool> RetractAsync(string id, int version, string author, string? comment) =>
        await database.InTransactionAsync(async (connection, tx) =>
        {
            var info = await VersionInfoAsync(connection, tx, id, version) ?? throw new DefinitionNotFoundException($"No version {version} of '{id}'.");
            if (info.IsRetracted)
            {
                return false;
            }

            var now = Timestamps.ToText(clock.GetUtcNow());
            await connection.ExecuteAsync(
                "INSERT INTO definition_retractions (id, version, author, comment, retracted_at) VALUES (@id, @version, @author, @comment, @now)",
                new { id, version, author, comment, now },
                tx);
            await AddEventAsync(connection, tx, DefinitionEventKinds.Retracted, id, version, null, info.Hash, author, comment, now);
            return true;
        });

    /// <summary>Publishes a copy of an earlier version (retracted or not) as a new version; its content hash is the earlier one's.</summary>
    public async Task<(DefinitionRef Ref, bool Created)> RevertAsync(string id, int version, string author, string? comment)
    {
        var earlier = await GetSourceAsync(id, version) ?? throw new DefinitionNotFoundException($"No version {version} of '{id}'.");
        return await PublishAsync(earlier.Source, author, comment ?? $"Revert to v{version}", DefinitionEventKinds.Reverted, null, version);
    }

    /// <summary>
    /// Startup import of a workflow file. The file is published only when its content differs from the newest version
    /// (retracted or not, so a retraction is not undone by a restart) AND that version was itself imported from a file;
    /// a newer version published by a person is never overwritten: that is a <see cref="ImportOutcome.Conflict"/>.
    /// </summary>
    /// <exception cref="DefinitionInvalidException">The file has errors.</exception>
    public async Task<ImportResult> ImportAsync(string source, string fileName)
    {
        var definition = Valid(source);
        var hash = DefinitionHash.Compute(source);
        var author = ImportAuthorPrefix + fileName;
        return await database.InTransactionAsync(async (connection, tx) =>
        {
            // Servers starting together import the same files: one at a time, or two would take the same version number.
            await SqlDialect.Of(connection).LockSequenceAsync(connection, tx, "definitions");
            var newestVersion = await connection.QuerySingleOrDefaultAsync<int?>("SELECT MAX(version) FROM definitions WHERE id = @Id", new { definition.Id }, tx);
            var newest = newestVersion is int v ? await VersionInfoAsync(connection, tx, definition.Id, v) : null;
            if (newest is not null && newest.Hash == hash)
            {
                return new ImportResult(ImportOutcome.UpToDate, new DefinitionRef(newest.Id, newest.Version, newest.Hash), newest);
            }

            if (newest is not null && !newest.IsImported)
            {
                return new ImportResult(ImportOutcome.Conflict, null, newest);
            }

            var (reference, created) = await PublishInTransactionAsync(connection, tx, definition.Id, source, hash, author, "Imported at startup", DefinitionEventKinds.Published, null, null);
            return new ImportResult(created ? ImportOutcome.Imported : ImportOutcome.UpToDate, reference, newest);
        });
    }

    /// <summary>Saves a draft (new, or replacing <paramref name="draftId"/>), valid or not, with the errors and warnings found.</summary>
    public async Task<DefinitionDraft> SaveDraftAsync(string source, string author, Guid? draftId = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var parsed = Validate(source);
        var definitionId = parsed.Definition?.Id ?? TryReadId(source);
        var id = draftId ?? Guid.CreateVersion7(clock.GetUtcNow());
        var now = Timestamps.ToText(clock.GetUtcNow());
        await database.InTransactionAsync(async (connection, tx) =>
        {
            var updated = await connection.ExecuteAsync(
                """
                UPDATE definition_drafts SET definition_id = @definitionId, hash = @Hash, source = @source, errors = @errors, warnings = @warnings,
                    author = @author, updated_at = @now WHERE draft_id = @draft
                """,
                new { definitionId, parsed.Hash, source, errors = Serialize(parsed.Errors), warnings = Serialize(parsed.Warnings), author, now, draft = id.ToString() },
                tx);
            if (updated == 0)
            {
                if (draftId is not null)
                {
                    throw new DefinitionNotFoundException($"No draft {draftId}.");
                }

                await connection.ExecuteAsync(
                    """
                    INSERT INTO definition_drafts (draft_id, definition_id, hash, source, errors, warnings, author, created_at, updated_at)
                    VALUES (@draft, @definitionId, @Hash, @source, @errors, @warnings, @author, @now, @now)
                    """,
                    new { definitionId, parsed.Hash, source, errors = Serialize(parsed.Errors), warnings = Serialize(parsed.Warnings), author, now, draft = id.ToString() },
                    tx);
            }

            await AddEventAsync(connection, tx, DefinitionEventKinds.DraftSaved, definitionId, null, id, parsed.Hash, author, null, now,
                new { errors = parsed.Errors.Count, warnings = parsed.Warnings.Count });
            return 0;
        });
        return (await GetDraftAsync(id))!;
    }

    public async Task<DefinitionDraft?> GetDraftAsync(Guid draftId)
    {
        await using var connection = await database.OpenAsync();
        var row = await connection.QuerySingleOrDefaultAsync<DraftRow>(
            $"SELECT {DraftColumns} FROM definition_drafts WHERE draft_id = @draft", new { draft = draftId.ToString() });
        return row is null ? null : ToDraft(row);
    }

    /// <summary>Drafts, optionally of one definition, most recently saved first.</summary>
    public async Task<IReadOnlyList<DefinitionDraft>> ListDraftsAsync(string? definitionId = null)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<DraftRow>(
            $"SELECT {DraftColumns} FROM definition_drafts WHERE (@definitionId IS NULL OR definition_id = @definitionId) ORDER BY updated_at DESC, draft_id DESC",
            new { definitionId });
        return rows.Select(ToDraft).ToList();
    }

    public async Task<bool> DeleteDraftAsync(Guid draftId, string author) =>
        await database.InTransactionAsync(async (connection, tx) =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<DraftRow>($"SELECT {DraftColumns} FROM definition_drafts WHERE draft_id = @draft", new { draft = draftId.ToString() }, tx);
            if (row is null)
            {
                return false;
            }

            await connection.ExecuteAsync("DELETE FROM definition_drafts WHERE draft_id = @draft", new { draft = draftId.ToString() }, tx);
            await AddEventAsync(connection, tx, DefinitionEventKinds.DraftDeleted, row.DefinitionId, null, draftId, row.Hash, author, null, Timestamps.ToText(clock.GetUtcNow()));
            return true;
        });

    /// <summary>The definition audit, optionally of one definition, oldest first.</summary>
    public async Task<IReadOnlyList<DefinitionEvent>> ListEventsAsync(string? definitionId = null)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<(long Seq, string Kind, string? DefinitionId, long? Version, string? DraftId, string Hash, string Author, string? Comment, string At, string Data)>(
            "SELECT seq, kind, definition_id, version, draft_id, hash, author, comment, at, data FROM definition_events WHERE (@definitionId IS NULL OR definition_id = @definitionId) ORDER BY seq",
            new { definitionId });
        return rows.Select(r => new DefinitionEvent(
            r.Seq, r.Kind, r.DefinitionId, r.Version is long v ? (int)v : null, r.DraftId is { } d ? Guid.Parse(d) : null,
            r.Hash, r.Author, r.Comment, Timestamps.Parse(r.At), r.Data)).ToList();
    }

    private async Task<(DefinitionRef Ref, bool Created)> PublishAsync(string source, string author, string? comment, string kind, Guid? draftId, int? revertedFrom = null)
    {
        var definition = Valid(source);
        var hash = DefinitionHash.Compute(source);
        return await database.InTransactionAsync((connection, tx) =>
            PublishInTransactionAsync(connection, tx, definition.Id, source, hash, author, comment, kind, draftId, revertedFrom));
    }

    private async Task<(DefinitionRef Ref, bool Created)> PublishInTransactionAsync(
        DbConnection connection, IDbTransaction tx, string id, string source, string hash, string author, string? comment, string kind, Guid? draftId, int? revertedFrom)
    {
        await SqlDialect.Of(connection).LockSequenceAsync(connection, tx, "definitions"); // version numbers: one publisher at a time
        var now = Timestamps.ToText(clock.GetUtcNow());
        if (draftId is { } consumed)
        {
            // The draft became (or already equals) a version: it is no longer a working copy.
            await connection.ExecuteAsync("DELETE FROM definition_drafts WHERE draft_id = @draft", new { draft = consumed.ToString() }, tx);
        }

        var latest = await LatestVersionAsync(connection, tx, id);
        if (latest is int l && await connection.QuerySingleAsync<string>("SELECT hash FROM definitions WHERE id = @id AND version = @l", new { id, l }, tx) == hash)
        {
            return (new DefinitionRef(id, l, hash), false);
        }

        var version = await connection.QuerySingleAsync<int>("SELECT COALESCE(MAX(version), 0) + 1 FROM definitions WHERE id = @id", new { id }, tx);
        await connection.ExecuteAsync(
            "INSERT INTO definitions (id, version, hash, source, author, comment, created_at) VALUES (@id, @version, @hash, @source, @author, @comment, @now)",
            new { id, version, hash, source, author, comment, now },
            tx);
        await AddEventAsync(connection, tx, kind, id, version, draftId, hash, author, comment, now, revertedFrom is int from ? new { revertedFrom = from } : null);
        return (new DefinitionRef(id, version, hash), true);
    }

    private WorkflowDefinition Valid(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var parsed = Validate(source);
        return parsed.Definition ?? throw new DefinitionInvalidException(parsed.Errors);
    }

    private static Task<int?> LatestVersionAsync(DbConnection connection, IDbTransaction? tx, string id) =>
        connection.QuerySingleOrDefaultAsync<int?>(
            """
            SELECT MAX(d.version) FROM definitions d
            WHERE d.id = @id AND NOT EXISTS (SELECT 1 FROM definition_retractions r WHERE r.id = d.id AND r.version = d.version)
            """,
            new { id },
            tx);

    private static async Task<DefinitionVersionInfo?> VersionInfoAsync(DbConnection connection, IDbTransaction? tx, string id, int version)
    {
        var row = await connection.QuerySingleOrDefaultAsync<VersionRow>(
            $"SELECT {VersionColumns} WHERE d.id = @id AND d.version = @version", new { id, version }, tx);
        return row is null ? null : ToInfo(row);
    }

    /// <summary>One row of <c>definition_events</c> and its leaf in the signed log: the only writer of that table (bindings use it too).</summary>
    internal static async Task AddEventAsync(
        DbConnection connection, IDbTransaction tx, string kind, string? id, int? version, Guid? draftId, string hash, string author, string? comment, string at, object? data = null)
    {
        var json = JsonSerializer.Serialize(data ?? new { });
        var seq = await connection.ExecuteScalarAsync<long>(
            """
            INSERT INTO definition_events (kind, definition_id, version, draft_id, hash, author, comment, at, data)
            VALUES (@kind, @id, @version, @draft, @hash, @author, @comment, @at, @data)
            RETURNING seq
            """,
            new { kind, id, version, draft = draftId?.ToString(), hash, author, comment, at, data = json },
            tx);
        // In the signed audit log too, in the same transaction (docs/audit.md).
        await Audit.AuditLog.AppendAsync(connection, tx, Core.Audit.Log.LogEntries.DefinitionEvent, seq.ToString(System.Globalization.CultureInfo.InvariantCulture), null,
            Core.Audit.Log.LogEntries.ForDefinitionEvent(seq, kind, id, version, draftId?.ToString(), hash, author, comment, at, json));
    }

    // Best effort for an invalid draft, so drafts can still be listed under their definition.
    private static string? TryReadId(string source)
    {
        foreach (var line in source.Split('\n'))
        {
            if (line.StartsWith("id:", StringComparison.Ordinal) && line[3..].Trim().Trim('"', '\'') is { Length: > 0 } id)
            {
                return id;
            }
        }

        return null;
    }

    private static string Serialize(IReadOnlyList<DefinitionError> errors) =>
        JsonSerializer.Serialize(errors.Select(e => new ErrorRow(e.Path, e.Message)));

    private static IReadOnlyList<DefinitionError> Deserialize(string json) =>
        (JsonSerializer.Deserialize<ErrorRow[]>(json) ?? []).Select(e => new DefinitionError(e.Path, e.Message)).ToList();

    private static DefinitionVersionInfo ToInfo(VersionRow r) => new(
        r.Id, (int)r.Version, r.Hash, r.Author, r.Comment, Timestamps.Parse(r.CreatedAt),
        r.RetractedAt is { } at ? Timestamps.Parse(at) : null, r.RetractedBy, r.RetractComment);

    private const string DraftColumns =
        "draft_id AS DraftId, definition_id AS DefinitionId, hash AS Hash, source AS Source, errors AS Errors, warnings AS Warnings, author AS Author, created_at AS CreatedAt, updated_at AS UpdatedAt";

    private static DefinitionDraft ToDraft(DraftRow r) => new(
        Guid.Parse(r.DraftId), r.DefinitionId, r.Hash, r.Source, Deserialize(r.Errors), Deserialize(r.Warnings), r.Author,
        Timestamps.Parse(r.CreatedAt), Timestamps.Parse(r.UpdatedAt));

    private sealed record ErrorRow(string Path, string Message);

    private sealed class VersionRow
    {
        public string Id { get; set; } = "";

        public long Version { get; set; }

        public string Hash { get; set; } = "";

        public string Author { get; set; } = "";

        public string? Comment { get; set; }

        public string CreatedAt { get; set; } = "";

        public string? RetractedAt { get; set; }

        public string? RetractedBy { get; set; }

        public string? RetractComment { get; set; }
    }

    private sealed class DraftRow
    {
        public string DraftId { get; set; } = "";

        public string? DefinitionId { get; set; }

        public string Hash { get; set; } = "";

        public string Source { get; set; } = "";

        public string Errors { get; set; } = "";

        public string Warnings { get; set; } = "";

        public string Author { get; set; } = "";

        public string CreatedAt { get; set; } = "";

        public string UpdatedAt { get; set; } = "";
    }
}
