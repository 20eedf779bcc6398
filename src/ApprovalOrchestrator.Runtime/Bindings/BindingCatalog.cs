using System.Data.Common;
using System.Data;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ApprovalOrchestrator.Core.Bindings;
using ApprovalOrchestrator.Runtime.Definitions;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;
using Microsoft.Extensions.Logging;

namespace ApprovalOrchestrator.Runtime.Bindings;

/// <summary>
/// The versioned bindings document (table <c>binding_versions</c>). Every change is a new version with author, comment and
/// content hash, and a <c>bindings-published</c> row in <c>definition_events</c>, in one transaction. The newest version is
/// in force; nothing is cached, so every process sees a change at once.
/// </summary>
public sealed class BindingCatalog(Database database, DefinitionCatalog definitions, TimeProvider clock, ILogger<BindingCatalog> logger)
{
    /// <summary>Author prefix of versions written from configuration (<c>config:Workflows</c>).</summary>
    public const string ConfigAuthorPrefix = "config:";

    public const string EventKind = "bindings-published";

    private const string Columns = "version AS Version, hash AS Hash, document AS Document, author AS Author, comment AS Comment, created_at AS CreatedAt";

    public async Task<BindingsVersion?> GetLatestAsync()
    {
        await using var connection = await database.OpenAsync();
        var row = await connection.QuerySingleOrDefaultAsync<Row>($"SELECT {Columns} FROM binding_versions ORDER BY version DESC LIMIT 1");
        return row is null ? null : ToVersion(row);
    }

    public async Task<BindingsVersion?> GetAsync(int version)
    {
        await using var connection = await database.OpenAsync();
        var row = await connection.QuerySingleOrDefaultAsync<Row>($"SELECT {Columns} FROM binding_versions WHERE version = @version", new { version });
        return row is null ? null : ToVersion(row);
    }

    /// <summary>Every version, oldest first.</summary>
    public async Task<IReadOnlyList<BindingsVersion>> ListAsync()
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<Row>($"SELECT {Columns} FROM binding_versions ORDER BY version")).Select(ToVersion).ToList();
    }

    /// <summary>
    /// Validates and stores <paramref name="document"/> as the next version, unless it equals the latest (then that version
    /// comes back with <c>Created = false</c>). With <paramref name="expectedVersion"/>, refuses when another change came first.
    /// </summary>
    /// <exception cref="BindingsInvalidException">Ids are malformed or duplicated, or a workflow named has no version in force.</exception>
    /// <exception cref="BindingsConflictException">The latest version is not <paramref name="expectedVersion"/>.</exception>
    public async Task<(BindingsVersion Version, bool Created)> PublishAsync(BindingsDocument document, string author, string? comment, int? expectedVersion = null)
    {
        var policy = document.ToPolicy();
        var inForce = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var name in Workflows(policy).Distinct(StringComparer.Ordinal))
        {
            inForce[name] = Core.Intake.RequestValidator.IsIdentifier(name) && await definitions.GetLatestAsync(name) is not null;
        }

        var errors = BindingsValidator.Validate(policy, w => inForce.GetValueOrDefault(w));
        if (errors.Count > 0)
        {
            throw new BindingsInvalidException(errors);
        }

        return await database.InTransactionAsync((connection, tx) => PublishInTransactionAsync(connection, tx, BindingsDocument.From(policy), author, comment, expectedVersion));
    }

    /// <summary>
    /// Startup: writes the default binding from configuration when there is no version yet, or when the newest version was
    /// itself written from configuration and the configured default changed. A version an admin wrote is never overwritten
    /// by configuration (logged). The seed is not checked against published workflows: a missing one fails closed at submit.
    /// </summary>
    public Task SeedAsync(string defaultWorkflow, IReadOnlyList<string> allowChoice) =>
        database.InTransactionAsync(async (connection, tx) =>
        {
            // Blank entries are how configuration writes an empty list; they are not workflow names.
            var seed = BindingsDocument.From(PolicyBindings.DefaultOnly(defaultWorkflow, allowChoice.Where(w => !string.IsNullOrWhiteSpace(w)).ToList()));
            // Servers starting together seed at once: one at a time, or two would take the same version number.
            await SqlDialect.Of(connection).LockSequenceAsync(connection, tx, "binding_versions");
            var latest = await connection.QuerySingleOrDefaultAsync<Row>($"SELECT {Columns} FROM binding_versions ORDER BY version DESC LIMIT 1", transaction: tx);
            if (latest is not null && !latest.Author.StartsWith(ConfigAuthorPrefix, StringComparison.Ordinal))
            {
                if (latest.Hash != Hash(seed))
                {
                    logger.LogInformation("Bindings v{Version} were written by {Author}; configuration (Workflows:Default) does not override them", latest.Version, latest.Author);
                }

                return 0;
            }

            await PublishInTransactionAsync(connection, tx, seed, ConfigAuthorPrefix + "Workflows", "Seeded from configuration (Workflows:Default)", null);
            return 0;
        });

    private async Task<(BindingsVersion, bool)> PublishInTransactionAsync(DbConnection connection, IDbTransaction tx, BindingsDocument document, string author, string? comment, int? expectedVersion)
    {
        await SqlDialect.Of(connection).LockSequenceAsync(connection, tx, "binding_versions"); // version numbers: one publisher at a time
        var latest = await connection.QuerySingleOrDefaultAsync<Row>($"SELECT {Columns} FROM binding_versions ORDER BY version DESC LIMIT 1", transaction: tx);
        if (expectedVersion is int expected && (latest?.Version ?? 0) != expected)
        {
            throw new BindingsConflictException((int)(latest?.Version ?? 0));
        }

        var hash = Hash(document);
        if (latest is not null && latest.Hash == hash)
        {
            return (ToVersion(latest), false);
        }

        var version = (int)(latest?.Version ?? 0) + 1;
        var now = Timestamps.ToText(clock.GetUtcNow());
        var text = Json.Serialize(document);
        await connection.ExecuteAsync(
            "INSERT INTO binding_versions (version, hash, document, author, comment, created_at) VALUES (@version, @hash, @text, @author, @comment, @now)",
            new { version, hash, text, author, comment, now },
            tx);
        await Definitions.DefinitionCatalog.AddEventAsync(
            connection, tx, EventKind, null, null, null, hash, author, comment, now, new { bindingsVersion = version, previousVersion = latest?.Version });
        return (new BindingsVersion(version, hash, author, comment, Timestamps.Parse(now), document), true);
    }

    private static IEnumerable<string> Workflows(PolicyBindings p) =>
        new[] { p.Default }.Concat(p.Agents.Select(a => a.Binding)).Concat(p.Groups.Select(g => g.Binding))
            .Where(b => b is not null)
            .SelectMany(b => (b.AllowChoice ?? []).Prepend(b.Workflow))
            .Where(w => w is not null);

    /// <summary><c>sha256:</c> of the canonical JSON (the normalised document, so layout and missing-vs-empty lists do not count).</summary>
    private static string Hash(BindingsDocument document) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Json.Serialize(document))));

    private static BindingsVersion ToVersion(Row r) =>
        new((int)r.Version, r.Hash, r.Author, r.Comment, Timestamps.Parse(r.CreatedAt), Json.Deserialize<BindingsDocument>(r.Document));

    private sealed class Row
    {
        public long Version { get; set; }

        public string Hash { get; set; } = "";

        public string Document { get; set; } = "";

        public string Author { get; set; } = "";

        public string? Comment { get; set; }

        public string CreatedAt { get; set; } = "";
    }
}
