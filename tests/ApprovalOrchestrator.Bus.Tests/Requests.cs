using ApprovalOrchestrator.Contracts.V1;

namespace ApprovalOrchestrator.Bus.Tests;

/// <summary>Request builders for the tests.</summary>
internal static class Requests
{
    public const string Requester = "employee-001";

    public static string NewId(string label) => $"{label}-{Guid.NewGuid():N}";

    public static SubmitAgentRequest Green(string? requestId = null) =>
        new(requestId ?? NewId("green"), Requester, null, "Summarize our AI governance policy for internal use.", null, null);
}
