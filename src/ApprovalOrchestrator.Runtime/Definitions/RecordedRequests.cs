using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Core.Definitions.Changes;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;

namespace ApprovalOrchestrator.Runtime.Definitions;

/// <summary>The newest recorded requests as the policy saw them, for a what-if over a draft before it is published.</summary>
public sealed class RecordedRequests(SqliteDatabase database)
{
    public const int DefaultCount = 1000;

    /// <summary>The newest <paramref name="count"/> requests (optionally of one definition), newest first.</summary>
    public async Task<IReadOnlyList<RecordedRequest>> LatestAsync(string? definitionId = null, int count = DefaultCount)
    {
        await using var connection = database.Open();
        var states = await connection.QueryAsync<string>(
            "SELECT state FROM instances WHERE (@definitionId IS NULL OR definition_id = @definitionId) ORDER BY created_at DESC, id LIMIT @count",
            new { definitionId, count });
        return states.Select(s => Json.Deserialize<WorkflowInstance>(s)).Select(ToRecorded).ToList();
    }

    // The same input the classify step builds (WorkflowConsumers): text, requester, agent and the tool call.
    private static RecordedRequest ToRecorded(WorkflowInstance i) => new(
        i.Request.RequestId,
        new PolicyInput(i.Request.Text, i.Request.Requester, i.Request.AgentId, i.Request.Tool?.Name, i.Request.Tool?.Action, i.Request.Tool?.Args));
}
