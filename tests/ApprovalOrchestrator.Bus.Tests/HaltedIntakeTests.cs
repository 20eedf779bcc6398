using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ApprovalOrchestrator.Bus.Tests.Support;
using ApprovalOrchestrator.Contracts.V1;
using ApprovalOrchestrator.Testing;

namespace ApprovalOrchestrator.Bus.Tests;

/// <summary>
/// The kill switch and the bus (issue 13 item 4): a request published while everything is halted is accepted and
/// classified as usual; only its execution waits (<c>halted</c>, nothing at the Gateway, no completion) until the resume.
/// </summary>
public sealed class HaltedIntakeTests(GatewayBusFixture fixture) : IClassFixture<GatewayBusFixture>
{
    [Fact]
    public async Task A_request_published_while_halted_is_accepted_and_classified_and_executes_only_after_the_resume()
    {
        using var admin = new HttpClient { BaseAddress = fixture.Server.Http.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Server.Tokens.Issue("ada", [], ["admin"]));
        var halted = await admin.PostAsJsonAsync("/api/controls/halt", new { scope = "all", reason = "bus test freeze" }, Broker.Ct);
        Assert.True(halted.IsSuccessStatusCode, await halted.Content.ReadAsStringAsync(Broker.Ct));
        var haltId = (await halted.Content.ReadFromJsonAsync<JsonElement>(Broker.Ct)).GetProperty("id").GetString();

        var request = Requests.Green();
        await fixture.Integrator.PublishAsync(request);
        var accepted = await fixture.Integrator.WaitForAsync<AgentRequestAccepted>(a => a.RequestId == request.RequestId, "the acceptance");
        var view = await Poll.GetAsync(async () =>
        {
            var r = await fixture.Server.GetRequestAsync(accepted.InstanceId);
            return r.GetProperty("status").GetString() == "halted" ? Tuple.Create(r) : null;
        }, "the request to wait halted", cancellationToken: Broker.Ct);
        Assert.Equal("green", view.Item1.GetProperty("risk").GetString());
        Assert.Empty(fixture.Gateway!.Requests);
        Assert.Empty(fixture.Integrator.Messages<AgentRequestCompleted>(c => c.RequestId == request.RequestId));

        var resumed = await admin.PostAsJsonAsync("/api/controls/resume", new { id = haltId, reason = "thaw" }, Broker.Ct);
        Assert.True(resumed.IsSuccessStatusCode, await resumed.Content.ReadAsStringAsync(Broker.Ct));
        var completed = await fixture.Integrator.WaitForAsync<AgentRequestCompleted>(c => c.RequestId == request.RequestId, "the completion after the resume");
        Assert.Equal("executed", completed.Status);
        Assert.Single(fixture.Gateway.RequestsTo(FakeGateway.ChatPath));
    }
}
