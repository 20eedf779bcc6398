using System.Text.Json;
using ApprovalOrchestrator.Contracts.V1;

namespace ApprovalOrchestrator.Cli.Publish;

/// <summary>
/// Follows our own requests through the events on the shared exchanges (other publishers' events are ignored), prints
/// each as it arrives, and completes once every request was completed or rejected.
/// </summary>
internal sealed class Tracker(TextWriter output, bool json)
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    // Events arrive concurrently (MassTransit runs handlers in parallel); one lock keeps stages and counts consistent.
    private readonly object _gate = new();
    private readonly Dictionary<string, Stage> _stages = new(StringComparer.Ordinal);
    private readonly HashSet<string> _accepted = new(StringComparer.Ordinal);

    // Completed before its "accepted" was handled: the server publishes accepted first, but handlers run in parallel.
    // Such a request counts as done only once its accepted event is printed too, so the output has every event.
    private readonly HashSet<string> _awaitingAccepted = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _allEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _remaining;

    private enum Stage
    {
        Published,
        Accepted,
        AwaitingApproval,
        Ended,
    }

    public Task AllEnded => _allEnded.Task;

    public int Completed { get; private set; }

    public int Rejected { get; private set; }

    /// <summary>Registers the ids before publishing, so an event that overtakes the publish confirm still counts.</summary>
    public void Expect(IEnumerable<string> requestIds)
    {
        lock (_gate)
        {
            foreach (var id in requestIds)
            {
                _stages[id] = Stage.Published;
                _remaining++;
            }

            if (_remaining == 0)
            {
                _allEnded.TrySetResult();
            }
        }
    }

    /// <summary>How many are still open, by how far they got.</summary>
    public (int Waiting, int NotAccepted, int Accepted, int AwaitingApproval) Open()
    {
        lock (_gate)
        {
            var open = _stages.Values.Where(s => s != Stage.Ended).ToList();
            return (open.Count, open.Count(s => s == Stage.Published), open.Count(s => s == Stage.Accepted), open.Count(s => s == Stage.AwaitingApproval));
        }
    }

    public void OnEvent(object message)
    {
        var (requestId, name, summary, next) = message switch
        {
            AgentRequestAccepted a => (a.RequestId, "accepted", $"status={a.Status} instance={a.InstanceId}", Stage.Accepted),
            ApprovalRequested r => (r.RequestId, "approval", $"risk={r.Risk} group={r.Group} tier={r.Tier} approvals={r.RequiredApprovals} due={r.DueAt:u}", Stage.AwaitingApproval),
            AgentRequestCompleted c => (c.RequestId, "completed", $"status={c.Status} risk={c.Risk ?? "-"} reason={c.Reason ?? "-"}", Stage.Ended),
            AgentRequestRejected j => (j.RequestId, "rejected", $"reason={j.Reason}", Stage.Ended),
            _ => (null, "", "", Stage.Published),
        };
        lock (_gate)
        {
            if (requestId is null || !_stages.TryGetValue(requestId, out var stage))
            {
                return; // someone else's request: the exchanges are shared
            }

            if (message is AgentRequestAccepted)
            {
                if (!_accepted.Add(requestId))
                {
                    return; // a redelivery
                }

                Print(DateTimeOffset.Now, requestId, name, summary, message);
                _stages[requestId] = next > stage ? next : stage;
                if (_awaitingAccepted.Remove(requestId))
                {
                    Finish();
                }

                return;
            }

            if (stage == Stage.Ended)
            {
                return; // a late event for one already ended
            }

            Print(DateTimeOffset.Now, requestId, name, summary, message);
            // Events of one request travel on separate exchanges and may arrive out of order: never move backwards.
            _stages[requestId] = next > stage ? next : stage;
            if (next != Stage.Ended)
            {
                return;
            }

            if (message is AgentRequestCompleted)
            {
                Completed++;
            }
            else
            {
                Rejected++;
            }

            if (message is AgentRequestCompleted && !_accepted.Contains(requestId))
            {
                _awaitingAccepted.Add(requestId);
                return;
            }

            Finish();
        }
    }

    private void Finish()
    {
        if (--_remaining == 0)
        {
            _allEnded.TrySetResult();
        }
    }

    private void Print(DateTimeOffset at, string requestId, string name, string summary, object message)
    {
        var line = json
            ? JsonSerializer.Serialize(new { time = at, @event = name, requestId, message }, s_json)
            : $"{at:HH:mm:ss.fff}  {requestId}  {name,-9}  {summary}";
        output.WriteLine(line);
    }
}
