using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using ApprovalOrchestrator.Integration.Tests.Console;
using ApprovalOrchestrator.Integration.Tests.Notifications;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Testing;
using Dapper;
using Microsoft.Data.Sqlite;

namespace ApprovalOrchestrator.Integration.Tests.Adversarial;

/// <summary>
/// Attacks on the one-time link in approval e-mails (real SMTP through maildev, real server): the code is refused when
/// spent, forwarded, expired, moved to another task, altered, or presented without a console session; it never
/// signs anyone in.
/// </summary>
public sealed class MailLinkAbuseTests
{
    private static async Task<(OrchestratorHost Host, Guid TaskId, string Path)> MailedAsync(Maildev maildev, string linkLifetime = "01:00:00")
    {
        var host = await OrchestratorHost.StartAsync(settings: EmailTests.Settings(maildev, linkLifetime));
        var id = await host.SubmitOkAsync(EmailTests.Amber);
        var taskId = await host.OpenTaskIdAsync(id);
        var (_, path, _) = await EmailTests.MailedLinkAsync(maildev, "tom@example.com");
        return (host, taskId, path);
    }

    [Fact]
    public async Task A_link_followed_without_signing_in_opens_nothing_and_keeps_the_code_unspent()
    {
        await using var maildev = await Maildev.StartAsync();
        var (host, taskId, path) = await MailedAsync(maildev);
        await using var _ = host;

        using var anonymous = ConsoleSession.Anonymous(host);
        var response = await anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/account/sign-in", response.Headers.Location!.ToString());
        Assert.Equal((null, null), await EmailTests.LinkAsync(host, taskId));
    }

    [Fact]
    public async Task A_bearer_token_presenting_the_link_neither_opens_the_page_nor_spends_the_code()
    {
        await using var maildev = await Maildev.StartAsync();
        var (host, taskId, path) = await MailedAsync(maildev);
        await using var _ = host;

        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.Anonymous.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.Tokens.Issue("tom", ["team-leads"], ["approver"]));
        var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/account/sign-in", response.Headers.Location!.ToString());
        Assert.Equal((null, null), await EmailTests.LinkAsync(host, taskId));
    }

    [Fact]
    public async Task A_code_moved_onto_another_task_is_refused()
    {
        await using var maildev = await Maildev.StartAsync();
        var (host, taskId, path) = await MailedAsync(maildev);
        await using var _ = host;
        using var tom = await ConsoleSession.SignInAsync(host, "tom", "approver", "team-leads");

        var moved = path.Replace(taskId.ToString(), Guid.NewGuid().ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await tom.GetAsync(moved)).StatusCode);

        Assert.Equal((null, null), await EmailTests.LinkAsync(host, taskId));
    }

    [Fact]
    public async Task An_altered_or_truncated_code_is_refused()
    {
        await using var maildev = await Maildev.StartAsync();
        var (host, taskId, path) = await MailedAsync(maildev);
        await using var _ = host;
        using var tom = await ConsoleSession.SignInAsync(host, "tom", "approver", "team-leads");

        var last = path[^1];
        await tom.GetAsync(path[..^1] + (last == 'A' ? 'B' : 'A'));
        await tom.GetAsync(path[..^5]);
        await tom.GetAsync($"/tasks/{taskId}?mail=");

        Assert.Equal((null, null), await EmailTests.LinkAsync(host, taskId));
    }

    [Fact]
    public async Task A_forwarded_link_used_after_the_recipient_is_refused_and_the_first_use_is_kept()
    {
        await using var maildev = await Maildev.StartAsync();
        var (host, taskId, path) = await MailedAsync(maildev);
        await using var _ = host;
        using var tom = await ConsoleSession.SignInAsync(host, "tom", "approver", "team-leads");
        using var eve = await ConsoleSession.SignInAsync(host, "eve", "approver", "team-leads");

        await tom.GetAsync(path);
        var first = await EmailTests.LinkAsync(host, taskId);
        var replay = await eve.GetAsync(path);
        var again = await tom.GetAsync(path);

        Assert.Equal("tom", first.UsedBy);
        Assert.Equal($"/tasks/{taskId}", replay.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal(first, await EmailTests.LinkAsync(host, taskId));
    }

    [Fact]
    public async Task Concurrent_uses_of_one_code_spend_it_once()
    {
        await using var maildev = await Maildev.StartAsync();
        var (host, taskId, path) = await MailedAsync(maildev);
        await using var _ = host;
        var sessions = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => ConsoleSession.SignInAsync(host, $"officer-{i}", "approver", "team-leads")));

        await Task.WhenAll(sessions.Select(s => s.GetAsync(path)));

        await using var connection = host.Database.Open();
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM notification_links WHERE task_id = @task AND used_at IS NOT NULL", new { task = taskId.ToString() }));
        foreach (var session in sessions)
        {
            session.Dispose();
        }
    }

    [Fact]
    public async Task A_code_past_its_expiry_is_refused()
    {
        await using var maildev = await Maildev.StartAsync();
        var (host, taskId, path) = await MailedAsync(maildev, linkLifetime: "00:00:01");
        await using var _ = host;
        using var tom = await ConsoleSession.SignInAsync(host, "tom", "approver", "team-leads");
        await using (var connection = host.Database.Open())
        {
            var expires = await connection.ExecuteScalarAsync<string>("SELECT expires_at FROM notification_links WHERE task_id = @task", new { task = taskId.ToString() });
            await Poll.TrueAsync(() => Task.FromResult(DateTimeOffset.UtcNow > DateTimeOffset.Parse(expires!, CultureInfo.InvariantCulture)), "the link to expire", cancellationToken: TestContext.Current.CancellationToken);
        }

        Assert.Equal(HttpStatusCode.Redirect, (await tom.GetAsync(path)).StatusCode);

        Assert.Equal((null, null), await EmailTests.LinkAsync(host, taskId));
    }

    [Fact]
    public async Task The_database_holds_no_usable_code()
    {
        await using var maildev = await Maildev.StartAsync();
        var (host, taskId, path) = await MailedAsync(maildev);
        await using var _ = host;

        var code = path[(path.IndexOf("mail=", StringComparison.Ordinal) + 5)..];
        // The main file and its WAL, read as bytes: the code must not be anywhere SQLite wrote.
        foreach (var file in new[] { host.DatabasePath, host.DatabasePath + "-wal" }.Where(f => !TestStorage.IsPostgres && File.Exists(f)))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, TestContext.Current.CancellationToken);
            Assert.DoesNotContain(code, System.Text.Encoding.Latin1.GetString(buffer.ToArray()), StringComparison.Ordinal);
        }

        await using var connection = host.Database.Open();
        var stored = await connection.ExecuteScalarAsync<string>("SELECT code_hash FROM notification_links WHERE task_id = @task", new { task = taskId.ToString() });
        Assert.NotEqual(code, stored);
    }
}
