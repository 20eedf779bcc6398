using ApprovalOrchestrator.Core.Controls;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Runtime.Controls;

/// <summary>What a halt is matched against for one request: the agents it would reach and the tool it would invoke.</summary>
public static class HaltTargets
{
    /// <summary>
    /// The oldest halt in <paramref name="halts"/> covering the request. Its agents are the request's and the route's Gateway
    /// agent when the route sets one (that is the agent the call reaches), so halting either name stops it.
    /// </summary>
    public static Halt? Covering(IReadOnlyList<Halt> halts, WorkflowInstance instance, WorkflowDefinition definition)
    {
        if (halts.Count == 0)
        {
            return null;
        }

        var agents = new List<string>(2) { instance.Request.AgentId };
        if (instance.Classification is { } c && definition.RouteFor(c.Route).Gateway?.AgentId is { } routeAgent)
        {
            agents.Add(routeAgent);
        }

        return Halt.FirstCovering(halts, agents, instance.Request.Tool?.Name);
    }
}
