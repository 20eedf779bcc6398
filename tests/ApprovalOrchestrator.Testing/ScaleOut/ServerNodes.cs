namespace ApprovalOrchestrator.Testing.ScaleOut;

/// <summary>
/// Several server processes on the same settings (one database, one broker), each on a loopback port of its own that
/// it keeps across a kill and restart, each logging to <c>node-N.log</c>. Node numbers start at 1.
/// </summary>
public sealed class ServerNodes : IAsyncDisposable
{
    private readonly ServerProcess?[] _running;
    private readonly int[] _ports;
    private readonly IDictionary<string, string?> _settings;
    private readonly string _logDirectory;

    private ServerNodes(int count, IDictionary<string, string?> settings, string logDirectory)
    {
        _running = new ServerProcess?[count];
        _ports = Enumerable.Range(0, count).Select(_ => ServerProcess.FreePort()).ToArray();
        _settings = settings;
        _logDirectory = logDirectory;
    }

    public int Count => _running.Length;

    public IEnumerable<int> Numbers => Enumerable.Range(1, Count);

    /// <summary>Starts <paramref name="count"/> nodes at once (as a deployment's replicas would) and waits until each is ready.</summary>
    public static async Task<ServerNodes> StartAsync(int count, IDictionary<string, string?> settings, string logDirectory)
    {
        var nodes = new ServerNodes(count, settings, logDirectory);
        try
        {
            await Task.WhenAll(nodes.Numbers.Select(nodes.StartAsync));
        }
        catch
        {
            await nodes.DisposeAsync();
            throw;
        }

        return nodes;
    }

    public Uri BaseAddress(int node) => new($"http://127.0.0.1:{_ports[node - 1]}");

    public string LogPath(int node) => Path.Combine(_logDirectory, $"node-{node}.log");

    public bool IsRunning(int node) => _running[node - 1] is not null;

    public IEnumerable<int> Running => Numbers.Where(IsRunning);

    /// <summary>The OS process id of a running node (its run identity names it).</summary>
    public int ProcessId(int node) => (_running[node - 1] ?? throw new InvalidOperationException($"Node {node} is not running.")).ProcessId;

    /// <summary>Starts a node that is not running, on its own port, and waits until it is ready.</summary>
    public async Task StartAsync(int node)
    {
        if (IsRunning(node))
        {
            throw new InvalidOperationException($"Node {node} is running already.");
        }

        _running[node - 1] = await ServerProcess.StartAsync(_ports[node - 1], _settings, LogPath(node));
    }

    /// <summary>SIGKILL, no shutdown at all.</summary>
    public async Task KillAsync(int node)
    {
        if (_running[node - 1] is { } server)
        {
            await server.DisposeAsync();
            _running[node - 1] = null;
        }
    }

    public string LogTails(int lines = 30) =>
        string.Join("\n", Numbers.Where(n => File.Exists(LogPath(n))).Select(n =>
            $"--- node {n} ({LogPath(n)}), last {lines} lines:\n" + string.Join("\n", File.ReadLines(LogPath(n)).TakeLast(lines))));

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Numbers.Select(KillAsync));
    }
}
