using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using ApprovalOrchestrator.Integration.Tests.Console;
using ApprovalOrchestrator.Integration.Tests.Support;
using Dapper;
using Microsoft.Data.Sqlite;

namespace ApprovalOrchestrator.Integration.Tests.Notifications;

/// <summary>Approval e-mails through a real SMTP server (maildev) with one-time, expiring links to the task page.</summary>
public sealed partial class EmailTests
{
    internal const string Amber = "Send the invoice to the vendor, copy bob@example.com.";

    internal static Dictionary<string, string?> Settings(Maildev maildev, string linkLifetime = "01:00:00") => new()
    {
        ["Notifications:Smtp:Host"] = "127.0.0.1",
        ["Notifications:Smtp:Port"] = maildev.SmtpPort.ToString(CultureInfo.InvariantCulture),
        ["Notifications:Smtp:From"] = "approvals@example.com",
        ["Notifications:Smtp:Groups:team-leads:0"] = "tom@example.com",
        ["Notifications:Smtp:Groups:managers:0"] = "mia@example.com",
        ["Notifications:Smtp:PublicBaseUrl"] = "http://console.example",
        ["Notifications:Smtp:LinkLifetime"] = linkLifetime,
        ["Notifications:PollInterval"] = "00:00:00.050",
    };

    internal static async Task<(string? UsedBy, string? UsedAt)> LinkAsync(OrchestratorHost host, Guid taskId)
    {
        await using var connection = host.Database.Open();
        return await connection.QuerySingleAsync<(string?, string?)>("SELECT used_by, used_at FROM notification_links WHERE task_id = @task", new { task = taskId.ToString() });
    }

    internal static async Task<(Guid TaskId, string Path, JsonElement Message)> MailedLinkAsync(Maildev maildev, string to)
    {
        var messages = await maildev.WaitForAsync(all => all.Any(m => m.GetProperty("to")[0].GetProperty("address").GetString() == to), $"a mail to {to}");
        var message = messages.First(m => m.GetProperty("to")[0].GetProperty("address").GetString() == to);
        var match = Link().Match(message.GetProperty("text").GetString()!);
        Assert.True(match.Success, $"no task link in: {message.GetProperty("text").GetString()}");
        return (Guid.Parse(match.Groups[1].Value), match.Groups[0].Value["http://console.example".Length..], message);
    }

    [Fact]
    public async Task The_group_gets_a_redacted_mail_whose_one_time_link_opens_the_task_after_sign_in_and_works_once()
    {
        await using var maildev = await Maildev.StartAsync();
        await using var host = await OrchestratorHost.StartAsync(settings: Settings(maildev));

        var id = await host.SubmitOkAsync(Amber);
        var taskId = await host.OpenTaskIdAsync(id);
        var (linkedTask, path, message) = await MailedLinkAsync(maildev, "tom@example.com");

        Assert.Equal(taskId, linkedTask);
        Assert.Contains("team-leads", message.GetProperty("subject").GetString());
        Assert.DoesNotContain("bob@example.com", message.GetProperty("text").GetString(), StringComparison.OrdinalIgnoreCase);

        // Signed out: the page sends the person to sign in; the code is not spent.
        using var anonymous = ConsoleSession.Anonymous(host);
        var signedOut = await anonymous.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Contains("/account/sign-in", signedOut.Headers.Location!.ToString());
        Assert.Equal((null, null), await LinkAsync(host, taskId));

        // Signed in: the code is consumed for tom and the browser lands on the plain task page.
        using var tom = await ConsoleSession.SignInAsync(host, "tom", "approver", "team-leads");
        var followed = await tom.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, followed.StatusCode);
        Assert.Equal($"/tasks/{taskId}", followed.Headers.Location!.ToString());
        Assert.Equal("tom", (await LinkAsync(host, taskId)).UsedBy);
        var page = await tom.GetAsync($"/tasks/{taskId}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        // Forwarded, or followed again: spent, nothing recorded for the second person.
        using var mallory = await ConsoleSession.SignInAsync(host, "mallory", "approver", "team-leads");
        var first = await LinkAsync(host, taskId);
        var again = await mallory.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal(first, await LinkAsync(host, taskId));
    }

    [Fact]
    public async Task An_escalation_mails_the_next_group()
    {
        await using var maildev = await Maildev.StartAsync();
        await using var host = await OrchestratorHost.StartAsync(settings: Settings(maildev));

        var id = await host.SubmitOkAsync(Amber, workflow: "escalate-then-wait");
        var taskId = await host.OpenTaskIdAsync(id);
        var (linked, _, message) = await MailedLinkAsync(maildev, "mia@example.com");

        Assert.Equal(taskId, linked);
        Assert.StartsWith("Escalated to managers", message.GetProperty("subject").GetString());
    }

    [GeneratedRegex(@"http://console\.example/tasks/([0-9a-f-]{36})\?mail=[A-Za-z0-9_-]{43}")]
    private static partial Regex Link();
}
