using System.Diagnostics;
using ApprovalOrchestrator.Runtime.Execution;
using ApprovalOrchestrator.Testing;
using static ApprovalOrchestrator.Integration.Tests.Execution.GatewayTestKit;

namespace ApprovalOrchestrator.Integration.Tests.Execution;

/// <summary>Bounded retries for chat, none for tools; timeouts and Retry-After on the real clock with short delays.</summary>
public sealed class GatewayRetryTests
{
    [Fact]
    public async Task Chat_500_then_success_succeeds_on_the_second_attempt_and_logs_one_line_per_attempt()
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);
        fake.Enqueue(FakeGateway.ChatPath, FakeResponse.Status(500));
        var (client, log) = Client(Options(fake.BaseUrl));

        var outcome = await client.SendAsync(Chat(), Ct);

        Assert.Equal(GatewayOutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal(2, outcome.Attempts);
        Assert.Equal(200, outcome.HttpStatus);
        Assert.Equal(2, fake.RequestsTo(FakeGateway.ChatPath).Count);

        var lines = log.Entries.Select(e => e.Message).ToArray();
        Assert.Equal(2, lines.Length);
        Assert.Contains("POST /v1/chat/completions attempt 1: 500", lines[0]);
        Assert.Contains("POST /v1/chat/completions attempt 2: 200", lines[1]);
        Assert.All(lines, l => Assert.DoesNotContain(FakeGateway.DefaultToken, l));
        Assert.All(lines, l => Assert.DoesNotContain(RequestText, l));
    }

    [Theory]
    [InlineData(408)]
    [InlineData(502)]
    [InlineData(503)]
    public async Task Chat_retries_transient_statuses(int status)
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);
        fake.Enqueue(FakeGateway.ChatPath, FakeResponse.Status(status));
        fake.Enqueue(FakeGateway.ChatPath, FakeResponse.Status(status));
        var (client, _) = Client(Options(fake.BaseUrl));

        var outcome = await client.SendAsync(Chat(), Ct);

        Assert.Equal(GatewayOutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal(3, outcome.Attempts);
    }

    [Fact]
    public async Task Chat_persistent_500_fails_after_max_attempts_with_the_gateway_message()
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);
        fake.SetDefault(FakeGateway.ChatPath, FakeResponse.Error(500, "api_error", "model crashed"));
        var (client, _) = Client(Options(fake.BaseUrl));

        var outcome = await client.SendAsync(Chat(), Ct);

        Assert.Equal(GatewayOutcomeStatus.Failed, outcome.Status);
        Assert.Equal(3, outcome.Attempts);
        Assert.Equal(500, outcome.HttpStatus);
        Assert.Equal("model crashed", outcome.Error);
        Assert.Equal("api_error", outcome.ErrorType);
        Assert.Equal(3, fake.RequestsTo(FakeGateway.ChatPath).Count);
    }

    [Fact]
    public async Task Chat_429_retry_after_seconds_is_honoured()
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);
        fake.Enqueue(FakeGateway.ChatPath, FakeResponse.RateLimited(retryAfterSeconds: 1));
        // The base delay is tiny: only Retry-After can explain a ~1 s gap.
        var (client, _) = Client(Options(fake.BaseUrl));

        var watch = Stopwatch.StartNew();
        var outcome = await client.SendAsync(Chat(), Ct);
        watch.Stop();

        Assert.Equal(GatewayOutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal(2, outcome.Attempts);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(950), $"only {watch.Elapsed} passed");
        var requests = fake.RequestsTo(FakeGateway.ChatPath);
        Assert.True(requests[1].ReceivedAt - requests[0].ReceivedAt >= TimeSpan.FromMilliseconds(950));
    }

    [Fact]
    public async Task Chat_429_retry_after_http_date_is_honoured_and_capped_at_max_retry_delay()
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);
        fake.Enqueue(FakeGateway.ChatPath, FakeResponse.RateLimitedUntil(DateTimeOffset.UtcNow.AddHours(1)));
        fake.Enqueue(FakeGateway.ChatPath, FakeResponse.RateLimited(retryAfterSeconds: 3600));
        var options = Options(fake.BaseUrl);
        options.MaxRetryDelay = TimeSpan.FromMilliseconds(100);
        var (client, _) = Client(options);

        var watch = Stopwatch.StartNew();
        var outcome = await client.SendAsync(Chat(), Ct);

        Assert.Equal(GatewayOutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal(3, outcome.Attempts);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"{watch.Elapsed} passed: the cap was not applied");
    }

    [Fact]
    public async Task Chat_slower_than_the_timeout_fails_after_max_attempts()
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);
        fake.SetDefault(FakeGateway.ChatPath, FakeResponse.Slow(TimeSpan.FromSeconds(5)));
        var options = Options(fake.BaseUrl);
        options.ChatMaxAttempts = 2;
        var (client, _) = Client(options);

        var watch = Stopwatch.StartNew();
        var outcome = await client.SendAsync(Chat(timeout: TimeSpan.FromSeconds(1)), Ct);

        Assert.Equal(GatewayOutcomeStatus.Failed, outcome.Status);
        Assert.Equal(2, outcome.Attempts);
        Assert.Null(outcome.HttpStatus);
        Assert.Equal("Gateway did not answer within 1s.", outcome.Error);
        Assert.Equal("timeout", outcome.ErrorType);
        Assert.Equal(2, fake.RequestsTo(FakeGateway.ChatPath).Count);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4.5), $"{watch.Elapsed}: the per-attempt timeout did not cut the 5 s answers short");
    }

    [Fact]
    public async Task Tool_slower_than_the_options_timeout_may_have_run_after_one_call()
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);
        fake.SetDefault(FakeGateway.ToolPath, FakeResponse.Slow(TimeSpan.FromSeconds(5)));
        var options = Options(fake.BaseUrl);
        options.Timeout = TimeSpan.FromSeconds(1);
        var (client, _) = Client(options);
        // A zero call timeout falls back to the options' timeout.
        var call = Tool("sessions_list", timeout: TimeSpan.Zero);

        var outcome = await client.SendAsync(call, Ct);

        Assert.Equal(GatewayOutcomeStatus.MayHaveRun, outcome.Status);
        Assert.Equal(1, outcome.Attempts);
        Assert.Equal("Gateway did not answer within 1s.", outcome.Error);
        Assert.Single(fake.RequestsTo(FakeGateway.ToolPath));
        Assert.Equal(1, fake.ToolInvocationCount(call.IdempotencyKey));
    }

    [Fact]
    public async Task Connection_refused_is_retried_for_chat_but_not_for_tools()
    {
        var (client, _) = Client(Options($"http://127.0.0.1:{ClosedPort()}"));

        var chat = await client.SendAsync(Chat(), Ct);
        var tool = await client.SendAsync(Tool("sessions_list"), Ct);

        Assert.Equal(GatewayOutcomeStatus.Failed, chat.Status);
        Assert.Equal(3, chat.Attempts);
        Assert.Equal("connection", chat.ErrorType);
        Assert.StartsWith("Gateway could not be reached", chat.Error);
        Assert.Equal(GatewayOutcomeStatus.Failed, tool.Status);
        Assert.Equal(1, tool.Attempts);
        Assert.Equal("connection", tool.ErrorType);
    }

    [Fact]
    public async Task Caller_cancellation_of_a_hung_call_is_not_swallowed()
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);
        fake.SetDefault(FakeGateway.ToolPath, FakeResponse.Hang());
        var (client, _) = Client(Options(fake.BaseUrl));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var send = client.SendAsync(Tool("sessions_list", timeout: TimeSpan.FromMinutes(5)), cts.Token);
        await fake.WaitForRequestsAsync(FakeGateway.ToolPath, 1, TimeSpan.FromSeconds(10));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
        Assert.Single(fake.RequestsTo(FakeGateway.ToolPath));
    }
}
