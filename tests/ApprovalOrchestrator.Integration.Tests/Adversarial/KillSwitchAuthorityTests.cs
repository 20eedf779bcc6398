using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Server.Identity;
using Dapper;
using static ApprovalOrchestrator.Integration.Tests.Controls.Halts;

namespace ApprovalOrchestrator.Integration.Tests.Adversarial;

/// <summary>
/// Attacks on the kill switch itself: lifting or placing a halt without the admin role, and malformed halts meant to
/// halt nothing (or the wrong thing) while looking like a halt. Each is refused with problem details naming the field,
/// and the halts in force are unchanged.
/// </summary>
public sealed class KillSwitchAuthorityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Anonymous_halt_resume_and_list_are_refused_401()
    {
        await using var host = await OrchestratorHost.StartAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Anonymous.PostAsJsonAsync("/api/controls/halt", new { scope = "all", reason = "x" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Anonymous.PostAsJsonAsync("/api/controls/resume", new { scope = "all", reason = "x" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Anonymous.GetAsync("/api/controls", Ct)).StatusCode);
    }

    [Theory]
    [InlineData(Roles.Submitter)]
    [InlineData(Roles.Approver)]
    [InlineData(Roles.Auditor)]
    public async Task A_non_admin_halting_or_lifting_a_halt_is_refused_403_recorded_and_the_halt_stays(string role)
    {
        await using var host = await OrchestratorHost.StartAsync();
        var haltId = (await HaltOkAsync(host.Admin, "all", null, "incident")).GetProperty("id").GetString()!;
        var mallory = host.ClientFor("mallory", ["team-leads"], [role]);

        var halt = await mallory.PostAsJsonAsync("/api/controls/halt", new { scope = "agent", target = "main", reason = "dos" }, Ct);
        var resume = await mallory.PostAsJsonAsync("/api/controls/resume", new { id = haltId, reason = "let my agent run" }, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, halt.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, resume.StatusCode);
        Assert.Equal("application/problem+json", resume.Content.Headers.ContentType?.MediaType);

        var halts = (await ListAsync(host.Admin)).GetProperty("halts").EnumerateArray().ToList();
        Assert.Equal(haltId, Assert.Single(halts).GetProperty("id").GetString());
        await Testing.Poll.TrueAsync(async () =>
        {
            await using var connection = host.Database.Open();
            return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM security_events WHERE actor = 'mallory' AND path LIKE '/api/controls/%'") >= 2;
        }, "the refusals in the security log", cancellationToken: Ct);
    }

    [Fact]
    public async Task An_auditor_may_read_the_halts_in_force_but_a_submitter_may_not()
    {
        await using var host = await OrchestratorHost.StartAsync();
        await HaltOkAsync(host.Admin, "tool", "shell", "shell off");
        var listed = await ListAsync(host.ClientFor("audrey", [], [Roles.Auditor]));
        Assert.True(listed.GetProperty("halted").GetBoolean());
        Assert.Equal("shell", listed.GetProperty("halts")[0].GetProperty("target").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await host.ClientFor("sid", [], [Roles.Submitter]).GetAsync("/api/controls", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("""{"reason":"no scope"}""", "scope")]
    [InlineData("""{"scope":"everything","reason":"unknown scope"}""", "scope")]
    [InlineData("""{"scope":"ALL","reason":"scope names are exact"}""", "scope")]
    [InlineData("""{"scope":"all","target":"main","reason":"a target on all would read as a narrower halt"}""", "target")]
    [InlineData("""{"scope":"agent","reason":"an agent halt without its agent"}""", "target")]
    [InlineData("""{"scope":"tool","target":"   ","reason":"a blank tool halts nothing"}""", "target")]
    [InlineData("""{"scope":"all"}""", "reason")]
    [InlineData("""{"scope":"all","reason":"   "}""", "reason")]
    public async Task A_malformed_halt_is_refused_400_naming_the_field_and_nothing_is_halted(string body, string field)
    {
        await using var host = await OrchestratorHost.StartAsync();
        var response = await host.Admin.PostAsync("/api/controls/halt", new StringContent(body, Encoding.UTF8, "application/json"), Ct);
        var problem = await OrchestratorHost.ReadAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.False((await ListAsync(host.Admin)).GetProperty("halted").GetBoolean());
    }

    [Fact]
    public async Task Over_long_targets_and_reasons_and_unknown_fields_are_refused_400()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var tooLong = await host.Admin.PostAsJsonAsync("/api/controls/halt", new { scope = "agent", target = new string('a', 201), reason = new string('r', 1001) }, Ct);
        var problem = await OrchestratorHost.ReadAsync(tooLong);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("target", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("reason", out _));

        var unknown = await host.Admin.PostAsync("/api/controls/halt", new StringContent("""{"scope":"all","reason":"x","except":"main"}""", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.False((await ListAsync(host.Admin)).GetProperty("halted").GetBoolean());
    }

    [Fact]
    public async Task A_second_halt_of_the_same_scope_and_target_is_a_409_naming_the_one_in_force()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var first = (await HaltOkAsync(host.Admin, "agent", "main", "one")).GetProperty("id").GetString();
        var again = await host.Admin.PostAsJsonAsync("/api/controls/halt", new { scope = "agent", target = "main", reason = "two" }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(first, (await OrchestratorHost.ReadAsync(again)).GetProperty("haltId").GetString());
        Assert.Single((await ListAsync(host.Admin)).GetProperty("halts").EnumerateArray());
    }

    [Fact]
    public async Task Resuming_an_unknown_or_already_lifted_halt_is_404_and_an_ambiguous_resume_is_400_naming_id()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var haltId = (await HaltOkAsync(host.Admin, "all", null, "incident")).GetProperty("id").GetString()!;

        Assert.Equal(HttpStatusCode.NotFound, (await host.Admin.PostAsJsonAsync("/api/controls/resume", new { id = Guid.NewGuid().ToString(), reason = "x" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Admin.PostAsJsonAsync("/api/controls/resume", new { scope = "agent", target = "main", reason = "x" }, Ct)).StatusCode);
        var both = await host.Admin.PostAsJsonAsync("/api/controls/resume", new { id = haltId, scope = "all", reason = "x" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
        Assert.True((await OrchestratorHost.ReadAsync(both)).GetProperty("errors").TryGetProperty("id", out _));
        var noReason = await host.Admin.PostAsJsonAsync("/api/controls/resume", new { id = haltId }, Ct);
        Assert.True((await OrchestratorHost.ReadAsync(noReason)).GetProperty("errors").TryGetProperty("reason", out _));
        Assert.True((await ListAsync(host.Admin)).GetProperty("halted").GetBoolean());

        await ResumeOkAsync(host.Admin, new { scope = "all", reason = "over" });
        Assert.Equal(HttpStatusCode.NotFound, (await host.Admin.PostAsJsonAsync("/api/controls/resume", new { id = haltId, reason = "again" }, Ct)).StatusCode);
    }
}
