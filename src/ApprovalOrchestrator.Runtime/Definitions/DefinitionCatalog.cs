using System.Collections.Concurrent;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;

namespace ApprovalOrchestrator.Runtime.Definitions;

/// <summary>A published definition version, parsed.</summary>
public sealed record PublishedDefinition(DefinitionRef Ref, WorkflowDefinition Definition, string Author, string? Comment, DateTimeOffset CreatedAt);

/// <summary>
/// Published definition versions, stored in the database. Versions are immutable, so parsed ones are cached by
/// (id, version); the database stays the source of truth for which versions exist and which is latest.
/// </summary>
public sealed class DefinitionCatalog(SqliteDatabase database, TimeProvider clock)
{
    private readonly ConcurrentDictionary<(string, int), PublishedDefinition> _cache = new();

    public async Task<PublishedDefinition?> GetLatestAsync(string id)
    {
        await using var connection = database.Open();
        var version = await connection.QuerySingleOrDefaultAsync<int?>("SELECT MAX(version) FROM definitions WHERE id = @id", new { id });
        return version is int v ? await GetAsync(id, v) : null;
    }

    public async Task<PublishedDefinition?> GetAsync(string id, int version)
    {
        if (_cache.TryGetValue((id, version), out var cached))
        {
            return cached;
        }

        await using var connection = database.Open();
        var row = await connection.QuerySingleOrDefaultAsync<(string Hash, string Source, string Author, string? Comment, string CreatedAt)?>(
            "SELECT hash, source, author, comment, created_at FROM definitions WHERE id = @id AND version = @version", new { id, version });
        if (row is not { } r)
        {
            return null;
        }

        var parsed = DefinitionParser.Parse(r.Source);
        if (parsed.Definition is null)
        {
            // Only valid definitions are ever stored; a stored one that no longer parses is corruption: fail closed.
            throw new InvalidOperationException($"Stored definition {id} v{version} no longer parses: {string.Join("; ", parsed.Errors)}");
        }

        var published = new PublishedDefinition(new DefinitionRef(id, version, r.Hash), parsed.Definition, r.Author, r.Comment, Timestamps.Parse(r.CreatedAt));
        return _cache.GetOrAdd((id, version), published);
    }

    public async Task<IReadOnlyList<(string Id, int Version, string Hash, string Author, string? Comment, string CreatedAt)>> ListAsync()
    {
        await using var connection = database.Open();
        return (await connection.QueryAsync<(string, int, string, string, string?, string)>(
            "SELECT id, version, hash, author, comment, created_at FROM definitions ORDER BY id, version")).ToList();
    }

    /// <summary>Stores <paramref name="source"/> as the next version of its definition, unless the latest version has the same hash.</summary>
    public async Task<(DefinitionRef Ref, bool Created)> PublishAsync(string source, string author, string? comment)
    {
        var parsed = DefinitionParser.Parse(source);
        if (parsed.Definition is null)
        {
            throw new DefinitionInvalidException(parsed.Errors);
        }

        var id = parsed.Definition.Id;
        var hash = DefinitionHash.Compute(source);
        return await database.InTransactionAsync(async (connection, tx) =>
        {
            var latest = await connection.QuerySingleOrDefaultAsync<(int Version, string Hash)?>(
                "SELECT version, hash FROM definitions WHERE id = @id ORDER BY version DESC LIMIT 1", new { id }, tx);
            if (latest is { } l && l.Hash == hash)
            {
                return (new DefinitionRef(id, l.Version, l.Hash), false);
            }

            var version = (latest?.Version ?? 0) + 1;
            await connection.ExecuteAsync(
                "INSERT INTO definitions (id, version, hash, source, author, comment, created_at) VALUES (@id, @version, @hash, @source, @author, @comment, @now)",
                new { id, version, hash, source, author, comment, now = Timestamps.ToText(clock.GetUtcNow()) },
                tx);
            return (new DefinitionRef(id, version, hash), true);
        });
    }
}

public sealed class DefinitionInvalidException(IReadOnlyList<DefinitionError> errors)
    : Exception("The definition is invalid: " + string.Join("; ", errors))
{
    public IReadOnlyList<DefinitionError> Errors { get; } = errors;
}
