namespace ApprovalOrchestrator.Runtime.Storage;

/// <summary>
/// One process owns a SQLite file: the server and the demo hold an exclusive lock on <c>&lt;database&gt;.owner</c> for as
/// long as they run, so a second one on the same file stops with a sentence instead of a lock error half-way through.
/// The OS releases the lock when the process dies (even on kill -9), so a crash never leaves a stale owner behind.
/// A shared database (PostgreSQL) has no owner: any number of servers run on it.
/// </summary>
public sealed class DatabaseOwnership(Database database) : IDisposable
{
    private readonly object _gate = new();
    private FileStream? _lock;

    public string LockPath => database.Location + ".owner";

    /// <summary>True while this process holds the file: then no other process can be running on it.</summary>
    public bool IsHeld
    {
        get
        {
            lock (_gate)
            {
                return _lock is not null;
            }
        }
    }

    /// <summary>Takes the lock, or throws <see cref="DatabaseInUseException"/> when another process holds it.</summary>
    public void Acquire()
    {
        if (database.Shared)
        {
            return;
        }

        lock (_gate)
        {
            if (_lock is not null)
            {
                return;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(LockPath)!);
            try
            {
                // FileShare.None is an exclusive advisory lock (flock) on Unix and a share-mode lock on Windows.
                _lock = new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException)
            {
                throw new DatabaseInUseException(database.Location);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _lock?.Dispose();
            _lock = null;
        }
    }
}

/// <summary>Another process (usually the server) owns the SQLite file.</summary>
public sealed class DatabaseInUseException(string path)
    : Exception($"the server is running on this database ({path}): stop it first, or point this command at another database with --ConnectionStrings:Approvals=\"Data Source=...\"")
{
    public string DatabasePath { get; } = path;
}
