using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Definitions;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Definitions;
using ApprovalOrchestrator.Server.Identity;
using Microsoft.Extensions.DependencyInjection;
using static ApprovalOrchestrator.Integration.Tests.Definitions.DefinitionApi;

namespace ApprovalOrchestrator.Integration.Tests.Adversarial;

/// <summary>
/// Definition bombs sent to every endpoint that parses a definition, as an auditor and as an admin, and dropped into the
/// workflows folder before startup: each is refused quickly with 422 naming the path, and the server keeps serving.
/// </summary>
public sealed class InputBombTests
{
    private static readonly TimeSpan Quickly = TimeSpan.FromSeconds(5);

    /// <summary>About 10^9 nodes from under 1 KB: nine levels of ten aliases.</summary>
    public static string BillionLaughs()
    {
        var sb = new StringBuilder("id: agent-action-approval\nname: bomb\nlol0: &l0 [lol]\n");
        for (var i = 1; i <= 9; i++)
        {
            sb.Append($"lol{i}: &l{i} [{string.Join(",", Enumerable.Repeat($"*l{i - 1}", 10))}]\n");
        }

        return sb.ToString();
    }

    public static string DeepJson(int depth) =>
        "{\"id\":\"agent-action-approval\",\"name\":\"deep\",\"classification\":" + string.Concat(Enumerable.Repeat("[", depth)) + new string(']', depth) + "}";

    public static string DeepNot(int depth) => CatalogKit.ReferenceSource.Replace(
        "      terms: [wipe, exfiltrate]\n",
        "      when: " + string.Concat(Enumerable.Repeat("{ not: ", depth)) + "{ terms: [wipe] }" + string.Concat(Enumerable.Repeat(" }", depth)) + "\n",
        StringComparison.Ordinal);

    public static TheoryData<string, string> Bombs => new()
    {
        { "billion laughs", "lol" },
        { "deep json", "classification[0][0]" },
        { "deep not", "classification.rules[0].when.not.not" },
    };

    private static string BombFor(string name) => name switch
    {
        "billion laughs" => BillionLaughs(),
        "deep json" => DeepJson(50_000),
        _ => DeepNot(40),
    };

    [Theory]
    [MemberData(nameof(Bombs))]
    public async Task A_bomb_is_refused_with_422_and_its_path_on_every_definition_endpoint(string bomb, string pathPrefix)
    {
        await using var host = await OrchestratorHost.StartAsync();
        var source = BombFor(bomb);
        var auditor = host.Client; // submitter + auditor: may validate and run what-ifs
        var calls = new (HttpClient Client, HttpMethod Method, string Path)[]
        {
            (auditor, HttpMethod.Post, "/api/definitions/validate"),
            (auditor, HttpMethod.Post, "/api/definitions/whatif"),
            (host.Admin, HttpMethod.Post, "/api/definitions/validate"),
            (host.Admin, HttpMethod.Post, "/api/definitions/whatif"),
            (host.Admin, HttpMethod.Post, "/api/definitions/drafts"),
            (host.Admin, HttpMethod.Post, "/api/definitions/publish?comment=bomb"),
        };

        foreach (var (client, method, path) in calls)
        {
            var clock = Stopwatch.StartNew();
            var (status, body) = await SendSourceAsync(client, method, path, source);
            clock.Stop();
            Assert.True(status == HttpStatusCode.UnprocessableEntity, $"{bomb} on {path}: {(int)status} {body}");
            var errors = body.GetProperty("errors").EnumerateArray().ToList();
            Assert.Contains(errors, e => e.GetProperty("path").GetString()!.StartsWith(pathPrefix, StringComparison.Ordinal));
            Assert.True(clock.Elapsed < Quickly, $"{bomb} on {path} took {clock.Elapsed}");
        }

        // A draft update with a bomb is refused too, and leaves the draft as it was.
        var (_, draft) = await PostSourceAsync(host.Admin, "/api/definitions/drafts", CatalogKit.ReferenceSource);
        var draftId = draft.GetProperty("draftId").GetGuid();
        var (updated, _) = await SendSourceAsync(host.Admin, HttpMethod.Put, $"/api/definitions/drafts/{draftId}", source);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, updated);
        var (_, kept) = await GetAsync(host.Admin, $"/api/definitions/drafts/{draftId}");
        Assert.Equal(CatalogKit.ReferenceSource, kept.GetProperty("source").GetString());

        // Nothing was published, and the server still classifies.
        var (_, listed) = await GetAsync(host.Admin, $"/api/definitions/{Id}");
        Assert.Equal(1, listed.GetProperty("latestVersion").GetInt32());
        await host.SubmitOkAsync("Summarize the policy.");
    }

    [Fact]
    public async Task An_auditor_cannot_publish_a_bomb_and_gets_no_parse_either()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var auditor = host.ClientFor("audrey", [], [Roles.Auditor]);
        var (status, _) = await PostSourceAsync(auditor, "/api/definitions/publish?comment=x", BillionLaughs());
        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task A_body_over_the_size_limit_is_refused()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var huge = "id: x\nname: y\n# " + new string('a', 2 * 1024 * 1024) + "\n";
        var (status, _) = await PostSourceAsync(host.Admin, "/api/definitions/validate", huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
    }

    [Fact]
    public async Task A_bomb_in_the_workflows_folder_is_reported_at_startup_and_the_server_starts()
    {
        var directory = Path.Combine(Path.GetTempPath(), "ao-tests", Guid.NewGuid().ToString("N"), "workflows");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "agent-action-approval.yaml"), CatalogKit.ReferenceSource);
        File.WriteAllText(Path.Combine(directory, "laughs.yaml"), BillionLaughs());
        File.WriteAllText(Path.Combine(directory, "deep.json"), DeepJson(100_000));

        var clock = Stopwatch.StartNew();
        await using var host = await OrchestratorHost.StartAsync(settings: new Dictionary<string, string?> { ["Workflows:Directory"] = directory });
        clock.Stop();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"startup took {clock.Elapsed}");

        var problems = host.Services.GetRequiredService<DefinitionImportReport>().Problems;
        Assert.Contains(problems, p => p.StartsWith("laughs.yaml: lol", StringComparison.Ordinal) && p.Contains("aliases are expanded", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("deep.json: classification[0]", StringComparison.Ordinal) && p.Contains("deeper than", StringComparison.Ordinal));

        var response = await host.Client.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        var definitions = (await OrchestratorHost.ReadAsync(response)).GetProperty("checks").GetProperty("definitions");
        Assert.Equal("degraded", definitions.GetProperty("status").GetString());
        Assert.Equal(2, definitions.GetProperty("data").GetProperty("problems").GetArrayLength());
        Assert.StartsWith("ICU 72", definitions.GetProperty("data").GetProperty("textFolding").GetString(), StringComparison.Ordinal);
        await host.SubmitOkAsync("Summarize the policy.");
    }
}
