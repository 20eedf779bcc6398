using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Core.Definitions.Changes;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;

namespace ApprovalOrchestrator.Runtime.Definitions;

/// <summary>The requests a what-if replays: as they were submitted (from <c>instances.state</c>), newest first.</summary>
public sealed class RecordedRequests(Database database)
{
    public const int DefaultCount = 1000;
    public const int MaxCount = 10_000;

    /// <summary>
    /// The last <paramref name="count"/> requests that ran under <paramref name="definitionId"/> (any version), newest first.
    /// Only the request part of the state is read: the policy sees nothing else.
    /// </summary>
    public async Task<IReadOnlyList<RecordedRequest>> LastAsync(string definitionId, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        await using var connection = await database.OpenAsync();
        // The whole state is read (it may be stored compressed, Engine/InstanceState); only its request is kept.
        var rows = await connection.QueryAsync<(string Id, object State)>(
            """
            SELECT id, state FROM instances
            WHERE definition_id = @definitionId ORDER BY created_at DESC, id DESC LIMIT @count
            """,
            new { definitionId, count = Math.Min(count, MaxCount) });
        return rows.Select(r =>
        {
            var request = Engine.InstanceState.Decode(r.State).Request;
            return new RecordedRequest(r.Id, new PolicyInput(
                request.Text, request.Requester, request.AgentId, request.Tool?.Name, request.Tool?.Action, request.Tool?.Args, request.RequesterGroups));
        }).ToList();
    }
}
