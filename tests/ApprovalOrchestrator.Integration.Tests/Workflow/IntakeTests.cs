using System.Net;
using System.Text;
using ApprovalOrchestrator.Integration.Tests.Support;

namespace ApprovalOrchestrator.Integration.Tests.Workflow;

/// <summary>Intake: validation with problem-details naming the field, idempotent submits, blocking.</summary>
public sealed class IntakeTests
{
    [Fact]
    public async Task Destructive_requests_are_blocked_outright()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var id = await host.SubmitOkAsync("Wipe the staging database tonight.");

        var request = await host.WaitForStatusAsync(id, "blocked");

        Assert.Equal("red", request.GetProperty("risk").GetString());
        Assert.Contains("wipe", request.GetProperty("matchedTerms").EnumerateArray().Select(t => t.GetString()));
        Assert.Empty(request.GetProperty("tasks").EnumerateArray());
    }

    [Fact]
    public async Task The_same_request_id_returns_the_same_instance_and_different_content_is_409()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var body = new { requestId = "client-42", requester = "alice", text = "Send the invoice to the vendor." };

        var (first, firstBody) = await host.SubmitAsync(body);
        var (again, againBody) = await host.SubmitAsync(body);
        var (conflict, conflictBody) = await host.SubmitAsync(body with { text = "Send the other invoice." });

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(firstBody.GetProperty("id").GetGuid(), againBody.GetProperty("id").GetGuid());
        Assert.True(againBody.GetProperty("duplicate").GetBoolean());
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal(firstBody.GetProperty("id").GetGuid(), conflictBody.GetProperty("existingId").GetGuid());
        var list = await OrchestratorHost.ReadAsync(await host.Client.GetAsync("/api/requests", TestContext.Current.CancellationToken));
        Assert.Equal(1, list.GetProperty("total").GetInt32());
    }

    public static TheoryData<string, string> BadBodies => new()
    {
        { """{"requester":"a","text":"hello","requestId":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}""", "requestId" },
        { """{"requester":"a","text":"   "}""", "text" },
        // A workflow the caller may not choose is a 403 naming 'workflow' (Adversarial/PolicyChoiceTests), not a 400.
        { """{"requester":"a","text":"hello","tool":{"action":"x"}}""", "tool.name" },
        { """{"requester":"a","text":"hello","tool":{"name":"t","args":[1,2]}}""", "tool.args" },
        { """{"requester":"a","text":"hello","colour":"red"}""", "colour" },
        { """{"requester":"a","text":"hel""", "text" },
        { """{"requester":"a","text":42}""", "text" },
        { "", "body" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_gets_a_400_problem_naming_the_field_and_writes_nothing(string json, string field)
    {
        await using var host = await OrchestratorHost.StartAsync();

        var response = await host.ClientFor("a", [], ["submitter"]).PostAsync("/api/requests", new StringContent(json, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        var problem = await OrchestratorHost.ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"Expected an error for '{field}': {problem}");
        var list = await OrchestratorHost.ReadAsync(await host.Client.GetAsync("/api/requests", TestContext.Current.CancellationToken));
        Assert.Equal(0, list.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Text_over_32_KB_is_refused()
    {
        await using var host = await OrchestratorHost.StartAsync();

        var (response, problem) = await host.SubmitAsync(new { requester = "a", text = new string('é', 17 * 1024) });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("32768 bytes", problem.GetProperty("errors").GetProperty("text")[0].GetString());
    }
}
