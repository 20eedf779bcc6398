using ApprovalOrchestrator.LocalIdentity;
using ApprovalOrchestrator.Runtime.Audit;

namespace ApprovalOrchestrator.Testing.ScaleOut;

/// <summary>
/// One multi-process run: a folder of its own, a scratch PostgreSQL database, a broker prefix (or each node's in-process
/// bus), the signing and audit keys every node shares, the settings that put a node on all that, and the nodes started
/// on them. Disposing it ends the run: the nodes' log tails when it did not pass, the nodes killed, the prefix's queues
/// and exchanges deleted, the folder deleted when it passed (kept with its logs when not), the database dropped.
/// </summary>
public sealed class Cluster : IAsyncDisposable
{
    private readonly Action<string>? _log;
    private ServerNodes? _nodes;
    private bool _passed;

    private Cluster(string directory, ScratchPostgres database, string? brokerUrl, string? prefix, Action<string>? log)
    {
        Directory = directory;
        Database = database;
        BrokerUrl = brokerUrl;
        Prefix = prefix;
        _log = log;

        // Made before any node starts: several nodes creating one key file at once would race.
        var keyFile = Path.Combine(directory, LocalSigningKey.FileName);
        LocalSigningKey.LoadOrCreate(keyFile);
        var auditKeyFile = Path.Combine(directory, AuditLogKey.FileName);
        AuditLogKey.LoadOrCreate(auditKeyFile, new AuditLogOptions().Origin);
        Tokens = LocalTokenIssuer.FromKeyFile(keyFile);

        Settings = ClusterSettings.Postgres(database.ConnectionString, directory);
        if (brokerUrl is not null)
        {
            With(ClusterSettings.RabbitMq(brokerUrl, prefix!));
        }

        Settings["Auth:LocalKeyFile"] = keyFile;
        Settings["AuditLog:KeyFile"] = auditKeyFile;
        Settings["Logging:LogLevel:Default"] = "Warning";
    }

    /// <summary>The run's folder: the keys, the nodes' data and their logs (<c>node-N.log</c>).</summary>
    public string Directory { get; }

    public ScratchPostgres Database { get; }

    /// <summary>The broker, or null where each node runs the in-process bus.</summary>
    public string? BrokerUrl { get; }

    public string? Prefix { get; }

    /// <summary>Mints bearer tokens every node accepts (the shared local signing key).</summary>
    public LocalTokenIssuer Tokens { get; }

    /// <summary>What every node starts with; add the scenario's own (<see cref="With"/>) before <see cref="StartAsync"/>.</summary>
    public Dictionary<string, string?> Settings { get; }

    public ServerNodes Nodes => _nodes ?? throw new InvalidOperationException("The nodes have not been started.");

    /// <param name="name">Lower-case letters and digits: names the folder, the database and the broker prefix.</param>
    /// <param name="brokerUrl">RabbitMQ (e.g. <see cref="RabbitMqUrl.Required"/>), or null for each node's in-process bus.</param>
    /// <param name="log">Where the nodes' log tails go when the run did not pass (a test's output).</param>
    public static async Task<Cluster> CreateAsync(string name, string? brokerUrl, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        var database = await ScratchPostgres.CreateAsync($"ao_{name}_", cancellationToken);
        try
        {
            var directory = System.IO.Directory.CreateTempSubdirectory($"ao-{name}-").FullName;
            return new Cluster(directory, database, brokerUrl, brokerUrl is null ? null : RabbitMqUrl.NewPrefix(name), log);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>Adds (or overrides) settings every node starts with.</summary>
    public Cluster With(IReadOnlyDictionary<string, string?> settings)
    {
        foreach (var (key, value) in settings)
        {
            Settings[key] = value;
        }

        return this;
    }

    public Cluster With(FakeGateway gateway) => With(ClusterSettings.Gateway(gateway.BaseUrl, gateway.Token));

    /// <summary>Starts <paramref name="count"/> nodes at once on <see cref="Settings"/> and waits until each is ready.</summary>
    public async Task<ServerNodes> StartAsync(int count)
    {
        if (_nodes is not null)
        {
            throw new InvalidOperationException("The nodes are started already.");
        }

        _nodes = await ServerNodes.StartAsync(count, Settings, Directory);
        return _nodes;
    }

    /// <summary>Marks the run passed (the last step of a test): its folder is deleted and no log tails are printed.</summary>
    public void Passed() => _passed = true;

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_nodes is not null)
            {
                if (!_passed)
                {
                    _log?.Invoke(_nodes.LogTails());
                }

                await _nodes.DisposeAsync();
            }

            if (BrokerUrl is not null)
            {
                await BrokerCleanup.DeleteAsync(BrokerUrl, Prefix!, []);
            }

            if (_passed)
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
        }
        finally
        {
            await Database.DisposeAsync();
        }
    }
}
