using System.Net;
using System.Net.Http.Headers;
using ApprovalOrchestrator.Integration.Tests.Support;

namespace ApprovalOrchestrator.Integration.Tests.Adversarial;

/// <summary>
/// Attack class: reading operational metrics (group names, volumes, risk mix) without the scrape token. /metrics is
/// outside sign-in, so the token is the whole gate; anything but the exact configured bearer token is refused.
/// </summary>
public sealed class MetricsExposureTests
{
    private const string Token = "scrape-3f9a1c7e5b2d4086";

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer ")]
    [InlineData("Bearer wrong-token")]
    [InlineData("Bearer scrape-3f9a1c7e5b2d408")] // a prefix of the token
    [InlineData("Bearer scrape-3f9a1c7e5b2d40866")] // the token with a byte more
    [InlineData("bearer scrape-3F9A1C7E5B2D4086")] // case-folded
    [InlineData("Basic scrape-3f9a1c7e5b2d4086")]
    [InlineData("scrape-3f9a1c7e5b2d4086")] // no scheme
    public async Task A_scrape_without_the_exact_bearer_token_is_refused_with_401(string? authorization)
    {
        await using var host = await OrchestratorHost.StartAsync(settings: new Dictionary<string, string?> { ["Metrics:ScrapeToken"] = Token });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        var response = await host.Anonymous.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("approval_orchestrator_", body);
    }

    [Fact]
    public async Task An_admins_sign_in_token_is_not_a_scrape_token()
    {
        await using var host = await OrchestratorHost.StartAsync(settings: new Dictionary<string, string?> { ["Metrics:ScrapeToken"] = Token });

        var response = await host.Admin.GetAsync("/metrics", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_token_in_the_query_string_instead_of_the_header_is_refused()
    {
        await using var host = await OrchestratorHost.StartAsync(settings: new Dictionary<string, string?> { ["Metrics:ScrapeToken"] = Token });

        var response = await host.Anonymous.GetAsync($"/metrics?token={Token}&access_token={Token}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task Without_a_configured_scrape_token_there_are_no_metrics_to_read_even_with_an_empty_bearer(string? configured)
    {
        await using var host = await OrchestratorHost.StartAsync(settings: new Dictionary<string, string?> { ["Metrics:ScrapeToken"] = configured });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer ");

        var response = await host.Anonymous.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("approval_orchestrator_", body);
    }

    [Fact]
    public async Task The_exact_token_reads_prometheus_text()
    {
        await using var host = await OrchestratorHost.StartAsync(settings: new Dictionary<string, string?> { ["Metrics:ScrapeToken"] = Token });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);

        var response = await host.Anonymous.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("# TYPE", body);
    }
}
