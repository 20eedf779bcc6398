using System.Collections.Concurrent;
using MassTransit;

namespace ApprovalOrchestrator.Bus.Tests.Support;

/// <summary>A consume observer on the server: which messages its consumers finished, and which faulted (after retries) and why.</summary>
internal sealed class ConsumedMessages : IConsumeObserver
{
    private readonly ConcurrentQueue<Entry> _entries = new();

    public sealed record Entry(Guid? MessageId, object Message, Exception? Fault);

    public IReadOnlyList<Entry> Of<T>() => _entries.Where(e => e.Message is T).ToList();

    public Task PreConsume<T>(ConsumeContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context)
        where T : class
    {
        _entries.Enqueue(new Entry(context.MessageId, context.Message, null));
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
        where T : class
    {
        _entries.Enqueue(new Entry(context.MessageId, context.Message, exception));
        return Task.CompletedTask;
    }
}
