using ApprovalOrchestrator.Core.Controls;

namespace ApprovalOrchestrator.Core.Tests.Controls;

public class HaltCoverageTests
{
    private static readonly DateTimeOffset T = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Halt H(string id, HaltScope scope, string? target, int second = 0) => new(id, scope, target, "r", "ada", T.AddSeconds(second));

    [Fact]
    public void All_covers_every_request_chat_or_tool()
    {
        Assert.True(H("a", HaltScope.All, null).Covers(["main"], null));
        Assert.True(H("a", HaltScope.All, null).Covers(["main"], "shell"));
    }

    [Fact]
    public void An_agent_halt_covers_the_request_agent_or_the_route_agent_in_any_case()
    {
        var halt = H("a", HaltScope.Agent, "ops-bot");
        Assert.True(halt.Covers(["main", "ops-bot"], null));
        Assert.True(halt.Covers(["ops-bot"], "shell"));
        Assert.False(halt.Covers(["main"], "ops-bot"));
        Assert.True(halt.Covers(["OPS-BOT"], null));
        Assert.False(halt.Covers(["ops-bot2"], null));
    }

    [Fact]
    public void A_tool_halt_covers_only_invocations_of_that_tool_never_chat()
    {
        var halt = H("a", HaltScope.Tool, "shell");
        Assert.True(halt.Covers(["main"], "shell"));
        Assert.False(halt.Covers(["main"], "sessions_list"));
        Assert.False(halt.Covers(["shell"], null));
        Assert.True(halt.Covers(["main"], "Shell"));
    }

    [Fact]
    public void The_oldest_covering_halt_is_the_one_named()
    {
        var halts = new[] { H("late", HaltScope.All, null, 5), H("other-tool", HaltScope.Tool, "x", 0), H("early", HaltScope.Agent, "main", 1) };
        Assert.Equal("early", Halt.FirstCovering(halts, ["main"], null)!.Id);
        Assert.Null(Halt.FirstCovering([H("t", HaltScope.Tool, "x")], ["main"], null));
    }

    [Theory]
    [InlineData("all", HaltScope.All)]
    [InlineData("agent", HaltScope.Agent)]
    [InlineData("tool", HaltScope.Tool)]
    public void Scopes_round_trip_on_the_wire(string wire, HaltScope scope)
    {
        Assert.Equal(wire, scope.ToWire());
        Assert.True(HaltScopeExtensions.TryParseWire(wire, out var parsed));
        Assert.Equal(scope, parsed);
    }

    [Theory]
    [InlineData("ALL")]
    [InlineData("everything")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_scopes_do_not_parse(string? wire) => Assert.False(HaltScopeExtensions.TryParseWire(wire, out _));
}
