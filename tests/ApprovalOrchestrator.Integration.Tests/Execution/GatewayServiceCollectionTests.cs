using ApprovalOrchestrator.Runtime.Execution;
using ApprovalOrchestrator.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static ApprovalOrchestrator.Integration.Tests.Execution.GatewayTestKit;

namespace ApprovalOrchestrator.Integration.Tests.Execution;

public sealed class GatewayServiceCollectionTests
{
    [Fact]
    public async Task AddGatewayClient_binds_the_section_and_resolves_a_working_client()
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:BaseUrl"] = fake.BaseUrl,
            ["Gateway:Token"] = FakeGateway.DefaultToken,
            ["Gateway:Timeout"] = "00:00:02",
            ["Gateway:ChatMaxAttempts"] = "4",
            ["Gateway:RetryBaseDelay"] = "00:00:00.010",
            ["Gateway:MaxRetryDelay"] = "00:00:01",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddGatewayClient(configuration);
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<GatewayOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(2), options.Timeout);
        Assert.Equal(4, options.ChatMaxAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(10), options.RetryBaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(1), options.MaxRetryDelay);
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());

        var client = provider.GetRequiredService<IGatewayClient>();
        Assert.True(client.IsConfigured);
        fake.Enqueue(FakeGateway.ChatPath, FakeResponse.Status(503));
        var outcome = await client.SendAsync(Chat(), Ct);
        Assert.Equal(GatewayOutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal(2, outcome.Attempts);
    }

    [Fact]
    public async Task AddGatewayClient_without_base_url_gives_a_dry_run_client()
    {
        var configuration = new ConfigurationBuilder().Build();
        var services = new ServiceCollection().AddLogging();
        services.AddGatewayClient(configuration);
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<IGatewayClient>();

        Assert.False(client.IsConfigured);
        Assert.Equal(GatewayOutcomeStatus.DryRun, (await client.SendAsync(Chat(), Ct)).Status);
    }

    [Fact]
    public void AddGatewayClient_rejects_a_relative_base_url()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Gateway:BaseUrl"] = "not a url" }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddGatewayClient(configuration);
        using var provider = services.BuildServiceProvider();

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<GatewayOptions>>().Value);
    }
}
