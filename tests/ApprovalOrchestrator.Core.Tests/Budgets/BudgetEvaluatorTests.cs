using ApprovalOrchestrator.Core.Budgets;

namespace ApprovalOrchestrator.Core.Tests.Budgets;

/// <summary>The pure decision: limits and counters in, within or over (and why) out.</summary>
public sealed class BudgetEvaluatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 16, 31, 20, TimeSpan.Zero);
    private static readonly DateTimeOffset Minute = new(2026, 12, 2, 16, 31, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Day = new(2026, 12, 2, 0, 0, 0, TimeSpan.Zero);

    private static BudgetPolicy Policy(BudgetLimits fallback, params (string Agent, BudgetLimits Limits)[] agents) =>
        new(fallback, agents.ToDictionary(a => a.Agent, a => a.Limits), "amber");

    private static BudgetLimits Limits(long? perMinute = null, long? toolCalls = null, long? tokens = null, BudgetAction? action = null) =>
        new(perMinute, toolCalls, tokens, action);

    [Fact]
    public void The_request_that_reaches_the_limit_is_within_and_the_next_is_over()
    {
        var policy = Policy(Limits(perMinute: 5));

        var fifth = BudgetEvaluator.Evaluate(policy, "main", false, [new(BudgetNames.Requests, Minute, 5)], Now)!;
        var sixth = BudgetEvaluator.Evaluate(policy, "main", false, [new(BudgetNames.Requests, Minute, 6)], Now)!;

        Assert.Equal(BudgetOutcome.Within, fifth.Decision);
        Assert.Null(fifth.Reason);
        Assert.Equal(BudgetOutcome.RequireApproval, sixth.Decision);
        Assert.Equal("agent main over requestsPerMinute: 6 of 5 used in the minute starting 2026-12-02T16:31Z", sixth.Reason);
        Assert.Equal([BudgetNames.RequestsPerMinute], sixth.Exceeded);
    }

    [Fact]
    public void A_tool_call_is_over_once_the_days_calls_have_reached_the_limit()
    {
        var policy = Policy(Limits(toolCalls: 50, action: BudgetAction.Reject));

        var at49 = BudgetEvaluator.Evaluate(policy, "main", true, [new(BudgetNames.ToolCalls, Day, 49)], Now)!;
        var at50 = BudgetEvaluator.Evaluate(policy, "main", true, [new(BudgetNames.ToolCalls, Day, 50)], Now)!;

        Assert.False(at49.IsOver);
        Assert.True(at50.IsRejected);
        Assert.Equal("agent main over toolCallsPerDay: 50 of 50 used in the day starting 2026-12-02T00:00Z", at50.Reason);
    }

    [Fact]
    public void Each_limit_guards_what_it_measures_tool_calls_bind_tool_requests_and_tokens_bind_chat()
    {
        var policy = Policy(Limits(toolCalls: 1, tokens: 100));
        BudgetCounter[] spent = [new(BudgetNames.ToolCalls, Day, 1), new(BudgetNames.Tokens, Day, 100)];

        var chat = BudgetEvaluator.Evaluate(policy, "main", false, spent, Now)!;
        var tool = BudgetEvaluator.Evaluate(policy, "main", true, spent, Now)!;

        Assert.Equal([BudgetNames.TokensPerDay], chat.Exceeded);
        Assert.Equal([BudgetNames.ToolCallsPerDay], tool.Exceeded);
    }

    [Fact]
    public void Counters_of_the_previous_minute_and_day_count_nothing()
    {
        var policy = Policy(Limits(perMinute: 1, toolCalls: 1, tokens: 1));
        BudgetCounter[] yesterday =
        [
            new(BudgetNames.Requests, Minute.AddMinutes(-1), 99),
            new(BudgetNames.ToolCalls, Day.AddDays(-1), 99),
            new(BudgetNames.Tokens, Day.AddDays(-1), 99),
        ];

        Assert.False(BudgetEvaluator.Evaluate(policy, "main", true, yesterday, Now)!.IsOver);
        Assert.False(BudgetEvaluator.Evaluate(policy, "main", false, yesterday, Now)!.IsOver);
    }

    [Theory]
    [InlineData("2026-12-02T16:31:59.9999999Z", true)] // still the minute the counter belongs to
    [InlineData("2026-12-02T16:32:00Z", false)] // a new minute: the counter is the previous window's
    public void The_minute_rolls_over_exactly_at_the_boundary(string at, bool over)
    {
        var now = DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture);
        var outcome = BudgetEvaluator.Evaluate(Policy(Limits(perMinute: 2)), "main", false, [new(BudgetNames.Requests, Minute, 3)], now)!;

        Assert.Equal(over, outcome.IsOver);
    }

    [Theory]
    [InlineData("2026-12-02T23:59:59.9999999Z", true)]
    [InlineData("2026-12-03T00:00:00Z", false)]
    [InlineData("2026-12-03T00:30:00+01:00", true)] // 23:30 UTC on the 2nd: days are UTC days, not local ones
    public void The_day_rolls_over_at_midnight_utc(string at, bool over)
    {
        var now = DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture);
        var outcome = BudgetEvaluator.Evaluate(Policy(Limits(toolCalls: 10)), "main", true, [new(BudgetNames.ToolCalls, Day, 10)], now)!;

        Assert.Equal(over, outcome.IsOver);
    }

    [Fact]
    public void Missing_counters_are_zero_and_a_zero_limit_refuses_the_first()
    {
        var within = BudgetEvaluator.Evaluate(Policy(Limits(toolCalls: 1, tokens: 1)), "main", true, [], Now)!;
        var none = BudgetEvaluator.Evaluate(Policy(Limits(toolCalls: 0)), "main", true, [], Now)!;

        Assert.False(within.IsOver);
        Assert.Equal(0, within.Uses.Single().Used);
        Assert.True(none.IsOver);
        Assert.Equal("agent main over toolCallsPerDay: 0 of 0 used in the day starting 2026-12-02T00:00Z", none.Reason);
    }

    [Fact]
    public void An_agent_override_replaces_only_the_fields_it_sets()
    {
        var policy = Policy(Limits(perMinute: 10, toolCalls: 100, action: BudgetAction.RequireApproval), ("batch", Limits(toolCalls: 2, action: BudgetAction.Reject)));
        BudgetCounter[] counters = [new(BudgetNames.Requests, Minute, 11), new(BudgetNames.ToolCalls, Day, 2)];

        var batch = BudgetEvaluator.Evaluate(policy, "batch", true, counters, Now)!;
        var main = BudgetEvaluator.Evaluate(policy, "main", true, counters, Now)!;

        // batch: its own tool limit and action, the default's per-minute limit.
        Assert.True(batch.IsRejected);
        Assert.Equal([BudgetNames.RequestsPerMinute, BudgetNames.ToolCallsPerDay], batch.Exceeded);
        Assert.Contains("agent batch over requestsPerMinute: 11 of 10", batch.Reason);
        Assert.Contains("; agent batch over toolCallsPerDay: 2 of 2", batch.Reason);
        Assert.Equal(BudgetOutcome.RequireApproval, main.Decision);
        Assert.Equal([BudgetNames.RequestsPerMinute], main.Exceeded);
    }

    [Fact]
    public void An_agent_without_any_limit_has_no_budget_outcome_and_other_agents_counters_do_not_count()
    {
        var policy = Policy(BudgetLimits.None, ("batch", Limits(perMinute: 1)));

        Assert.Null(BudgetEvaluator.Evaluate(policy, "main", false, [new(BudgetNames.Requests, Minute, 50)], Now));
        Assert.False(BudgetEvaluator.Evaluate(policy, "batch", false, [new(BudgetNames.Requests, Minute, 1)], Now)!.IsOver);
    }

    [Fact]
    public void Without_onExceeded_the_request_goes_to_people()
    {
        var outcome = BudgetEvaluator.Evaluate(Policy(Limits(perMinute: 0)), "main", false, [new(BudgetNames.Requests, Minute, 1)], Now)!;

        Assert.Equal(BudgetOutcome.RequireApproval, outcome.Decision);
    }
}
