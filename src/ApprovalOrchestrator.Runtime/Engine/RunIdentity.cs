using System.Collections.Concurrent;

namespace ApprovalOrchestrator.Runtime.Engine;

/// <summary>
/// Names this process run; it owns the execution leases of the Gateway calls it makes. An execution start recorded under
/// another run id belongs to that run until its lease expires (or, on a database file this process owns exclusively,
/// until that run is known to be gone: see <see cref="IsAliveHere"/>).
/// </summary>
public sealed class RunIdentity : IDisposable
{
    // Runs of this process that have not ended. With the file lock of DatabaseOwnership, any other run is dead.
    private static readonly ConcurrentDictionary<string, byte> s_alive = new(StringComparer.Ordinal);

    public RunIdentity() => s_alive[Id] = 0;

    public string Id { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>True while the run <paramref name="id"/> exists in this process (a host not yet disposed).</summary>
    public static bool IsAliveHere(string id) => s_alive.ContainsKey(id);

    public void Dispose() => s_alive.TryRemove(Id, out _);
}
