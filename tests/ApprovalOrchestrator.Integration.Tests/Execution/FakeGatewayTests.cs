using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ApprovalOrchestrator.Testing;
using static ApprovalOrchestrator.Integration.Tests.Execution.GatewayTestKit;

namespace ApprovalOrchestrator.Integration.Tests.Execution;

/// <summary>The fake must behave like the documented Gateway, or the client tests prove nothing.</summary>
public sealed class FakeGatewayTests
{
    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(FakeGateway fake, string path, string body, string? token)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, fake.BaseUrl + path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request, Ct);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return (response.StatusCode, doc.RootElement.Clone());
    }

    [Fact]
    public async Task Health_endpoints_answer_without_a_token()
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);
        using var http = new HttpClient();

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(fake.BaseUrl + "/healthz", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(fake.BaseUrl + "/readyz", Ct)).StatusCode);
        Assert.StartsWith("http://127.0.0.1:", fake.BaseUrl);
    }

    [Theory]
    [InlineData(FakeGateway.ChatPath)]
    [InlineData(FakeGateway.ToolPath)]
    public async Task Wrong_or_missing_token_gets_401_in_chat_shape(string path)
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);

        var (status, body) = await PostAsync(fake, path, "{}", "nope");
        var (statusNoToken, _) = await PostAsync(fake, path, "{}", null);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(HttpStatusCode.Unauthorized, statusNoToken);
        Assert.Equal("unauthorized", body.GetProperty("error").GetProperty("type").GetString());
        Assert.Empty(fake.ToolInvocations);
    }

    [Theory]
    [InlineData("""{"model":"openclaw:main","messages":[{"role":"system","content":"x"}]}""", "Missing user message")]
    [InlineData("""{"model":"gpt-4","messages":[{"role":"user","content":"hi"}]}""", "Invalid model")]
    [InlineData("""{"model":"openclaw:main","messages":[{"role":"user","content":"hi"}],"temperature":3}""", "temperature")]
    [InlineData("""{not json""", "Malformed JSON")]
    public async Task Chat_validation_errors_are_400_invalid_request_error(string json, string messageStart)
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);

        var (status, body) = await PostAsync(fake, FakeGateway.ChatPath, json, fake.Token);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request_error", body.GetProperty("error").GetProperty("type").GetString());
        Assert.StartsWith(messageStart, body.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Chat_success_has_the_documented_shape()
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);

        var (status, body) = await PostAsync(fake, FakeGateway.ChatPath,
            """{"model":"openclaw/ops","messages":[{"role":"user","content":"hi"}],"user":"u1"}""", fake.Token);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("chatcmpl_", body.GetProperty("id").GetString());
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        Assert.True(body.GetProperty("created").GetInt64() > 0);
        Assert.Equal("openclaw/ops", body.GetProperty("model").GetString());
        var choice = body.GetProperty("choices")[0];
        Assert.Equal(0, choice.GetProperty("index").GetInt32());
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        Assert.Equal(FakeGatewayDefaults.ChatReply("openclaw/ops", "hi"), choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        var usage = body.GetProperty("usage");
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32() + usage.GetProperty("completion_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task Tool_without_a_name_is_400_and_success_has_the_documented_shape_and_counts_per_key()
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);

        var (badStatus, bad) = await PostAsync(fake, FakeGateway.ToolPath, """{"args":{}}""", fake.Token);
        var (okStatus, ok) = await PostAsync(fake, FakeGateway.ToolPath, """{"tool":"sessions_list","args":{},"sessionKey":"main","idempotencyKey":"k1"}""", fake.Token);
        await PostAsync(fake, FakeGateway.ToolPath, """{"tool":"sessions_list","args":{},"sessionKey":"main","idempotencyKey":"k1"}""", fake.Token);

        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.False(bad.GetProperty("ok").GetBoolean());
        Assert.Equal("invalid_request", bad.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.OK, okStatus);
        Assert.True(ok.GetProperty("ok").GetBoolean());
        Assert.Equal("text", ok.GetProperty("result").GetProperty("content")[0].GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Object, ok.GetProperty("result").GetProperty("details").ValueKind);
        Assert.Equal(2, fake.ToolInvocationCount("k1"));
        Assert.Equal(3, fake.RequestsTo(FakeGateway.ToolPath).Count);
    }

    [Fact]
    public async Task Scripted_queue_applies_in_order_then_falls_back_to_the_default()
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);
        fake.Enqueue(FakeGateway.ToolPath, FakeResponse.Status(500));
        fake.Enqueue(FakeGateway.ToolPath, FakeResponse.Json(418, new { teapot = true }));
        const string json = """{"tool":"sessions_list","idempotencyKey":"k"}""";

        var first = await PostAsync(fake, FakeGateway.ToolPath, json, fake.Token);
        var second = await PostAsync(fake, FakeGateway.ToolPath, json, fake.Token);
        var third = await PostAsync(fake, FakeGateway.ToolPath, json, fake.Token);

        Assert.Equal(HttpStatusCode.InternalServerError, first.Status);
        Assert.False(first.Body.GetProperty("ok").GetBoolean());
        Assert.Equal((HttpStatusCode)418, second.Status);
        Assert.True(second.Body.GetProperty("teapot").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, third.Status);
    }

    [Fact]
    public async Task WaitForRequestsAsync_times_out_with_what_it_saw()
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);

        var ex = await Assert.ThrowsAsync<TimeoutException>(() => fake.WaitForRequestsAsync(FakeGateway.ChatPath, 1, TimeSpan.FromMilliseconds(100)));
        Assert.Contains("saw 0", ex.Message);
    }

    [Fact]
    public async Task Dispose_does_not_wait_for_hung_requests()
    {
        var fake = await FakeGateway.StartAsync(cancellationToken: Ct);
        fake.SetDefault(FakeGateway.ChatPath, FakeResponse.Hang());
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fake.Token);
        var pending = http.PostAsync(fake.BaseUrl + FakeGateway.ChatPath, new StringContent("{}"), Ct);
        await fake.WaitForRequestsAsync(FakeGateway.ChatPath, 1, TimeSpan.FromSeconds(10));

        var watch = System.Diagnostics.Stopwatch.StartNew();
        await fake.DisposeAsync();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1.5), $"dispose took {watch.Elapsed}");
        try
        {
            await pending;
        }
        catch (HttpRequestException)
        {
            // The connection may be cut instead of answered: either is fine.
        }
    }
}
