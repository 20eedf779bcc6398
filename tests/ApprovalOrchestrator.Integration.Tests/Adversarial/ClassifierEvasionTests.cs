using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Definitions;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Testing;

namespace ApprovalOrchestrator.Integration.Tests.Adversarial;

/// <summary>
/// Evasive spellings of red requests sent to the real server with the reference workflow and a real HTTP Gateway stand-in:
/// none may run. Each must wait for approval (or be blocked), and the Gateway must never be called for them.
/// </summary>
public sealed class ClassifierEvasionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> EvasiveTexts => new()
    {
        { "variation selector", "De\uFE0Flete the production database." },
        { "zero-width space", "De\u200Blete the production database." },
        { "tag characters", "De\U000E0064lete the production database." },
        { "Cyrillic look-alike", "D\u0435lete the production database." },
        { "Greek look-alikes", "Rotate the \u03A4\u039F\u039A\u0395\u039D now." },
        { "mathematical letters", "\U0001D41D\U0001D41E\U0001D425\U0001D41E\U0001D42D\U0001D41E the production database." },
        { "combining marks", "D\u0300e\u0301lete the production database." },
        { "spaced letters", "d e l e t e the production database." },
        { "hyphenated letters", "d-e-l-e-t-e the production database." },
        { "split word", "Please de-lete the production database." },
        { "digit for letter", "De1ete the production database." },
        { "mixed script only", "Summarize the qu\u0430rterly report." },
    };

    [Theory]
    [MemberData(nameof(EvasiveTexts))]
    public async Task Evasive_red_text_waits_for_approval_and_never_reaches_the_gateway(string attack, string text)
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(fake.BaseUrl, fake.Token));

        var id = await host.SubmitOkAsync(text);
        var request = await WaitUntilSettledAsync(host, id);

        Assert.True(request.GetProperty("status").GetString() is "awaiting-approval" or "blocked", $"{attack}: {request}");
        Assert.NotEqual("green", request.GetProperty("risk").GetString());
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task Red_words_in_tool_arg_property_names_wait_for_approval()
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(fake.BaseUrl, fake.Token));

        var id = await host.SubmitOkAsync("List the sessions.", tool: new { name = "sessions_list", args = new { filter = new { wire_money = true } } });
        var request = await WaitUntilSettledAsync(host, id);

        Assert.Equal(("awaiting-approval", "red"), (request.GetProperty("status").GetString(), request.GetProperty("risk").GetString()));
        Assert.Empty(fake.Requests);
    }

    [Theory]
    [InlineData("20,000")]
    [InlineData("1.5e4")]
    [InlineData("0x4E20")]
    [InlineData("\u0662\u0660\u0660\u0660\u0660")]
    [InlineData("20k")]
    public async Task An_amount_written_another_way_still_needs_approval(string amount)
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(fake.BaseUrl, fake.Token));
        var source = CatalogKit.ReferenceSource.Replace("  rules:\n", """
              rules:
                - id: large-payment
                  risk: red
                  category: high_impact
                  confidence: 0.95
                  reason: "Payment over the limit."
                  when: { arg: { path: amount, op: gt, value: 10000 } }

            """, StringComparison.Ordinal);
        await DefinitionApi.PublishAsync(host, source, "payments over 10000 are red");

        var id = await host.SubmitOkAsync("List the sessions.", tool: new { name = "sessions_list", args = new { amount } });
        var request = await WaitUntilSettledAsync(host, id);

        Assert.Equal(("awaiting-approval", "red"), (request.GetProperty("status").GetString(), request.GetProperty("risk").GetString()));
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task The_reference_green_request_still_runs_so_the_gateway_is_wired()
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(fake.BaseUrl, fake.Token));

        var id = await host.SubmitOkAsync("Summarize our AI governance policy for internal use.");
        var request = await host.WaitForStatusAsync(id, "executed");

        Assert.Equal("green", request.GetProperty("risk").GetString());
        Assert.NotEmpty(fake.Requests);
    }

    // Waits until the request leaves intake and classification; fails at the deadline with the last state seen.
    private static async Task<JsonElement> WaitUntilSettledAsync(OrchestratorHost host, Guid id)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var request = await host.GetRequestAsync(id);
            if (request.GetProperty("status").GetString() is "awaiting-approval" or "blocked" or "executed" or "dry-run" or "failed" or "needs-review")
            {
                return request;
            }

            Assert.True(DateTime.UtcNow < until, $"request {id} did not settle: {request}");
            await Task.Delay(50, Ct);
        }
    }
}
