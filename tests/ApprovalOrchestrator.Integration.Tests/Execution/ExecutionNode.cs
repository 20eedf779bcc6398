using ApprovalOrchestrator.Runtime.Engine;
using ApprovalOrchestrator.Runtime.Execution;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ApprovalOrchestrator.Integration.Tests.Execution;

/// <summary>
/// Another execution node inside the test process: the host's real engine, Gateway client and SQLite file, under its own
/// <see cref="RunIdentity"/> and its own lifetime. <see cref="Kill"/> stops it the way a crash does as far as the database
/// can tell: its Gateway call is abandoned, its heartbeat stops, its lease stays behind, no outcome is recorded.
/// Until disposed, its run counts as alive in this process, so only the lease's expiry frees its work.
/// </summary>
internal sealed class ExecutionNode : IDisposable
{
    private readonly NodeLifetime _lifetime = new();
    private readonly ExecutionRunner _runner;

    public ExecutionNode(IServiceProvider services) =>
        _runner = ActivatorUtilities.CreateInstance<ExecutionRunner>(services, Run, (IHostApplicationLifetime)_lifetime);

    public RunIdentity Run { get; } = new();

    /// <summary>What the execute consumer does with an ExecuteRequest for <paramref name="instanceId"/>.</summary>
    public Task RunAsync(Guid instanceId) => _runner.RunAsync(instanceId, null, CancellationToken.None);

    public void Kill() => _lifetime.Stop();

    public void Dispose()
    {
        _lifetime.Stop();
        Run.Dispose();
    }

    private sealed class NodeLifetime : IHostApplicationLifetime
    {
        private readonly CancellationTokenSource _stopping = new();

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => _stopping.Token;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => Stop();

        public void Stop() => _stopping.Cancel();
    }
}
