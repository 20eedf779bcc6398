using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Requests;

namespace ApprovalOrchestrator.Integration.Tests.Adversarial;

/// <summary>
/// Attacks on the page cursor of <c>GET /api/tasks</c> and <c>GET /api/requests</c>. A cursor is only a position: bad
/// ones are refused with a problem naming the field, and a forged one, however it was made, never widens what the
/// caller may see (visibility is applied to every page, not remembered in the cursor).
/// </summary>
public sealed class CursorTamperingTests
{
    private const string Amber = "Send the invoice to the vendor.";
    private const string Red = "Transfer funds to the supplier.";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Garbage => new()
    {
        "garbage",
        "%00%01",
        B64("1|2026-12-02T10:00:00.0000000Z"),                                     // too few parts
        B64("2|2026-12-02T10:00:00.0000000Z|" + Guid.NewGuid().ToString("N")),     // unknown version
        B64("1|2026-12-02 10:00|" + Guid.NewGuid().ToString("N")),                  // not the stored form of a time
        B64("1|2026-12-02T10:00:00.0000000Z|not-a-guid"),
        B64("1|' OR 1=1 --|" + Guid.NewGuid().ToString("N")),                       // SQL in the key
        B64("1|2026-12-02T10:00:00.0000000Z|" + Guid.NewGuid().ToString("N") + "|extra"),
        new string('A', 4096),                                                     // far longer than any cursor
        Convert.ToBase64String([0xff, 0xfe, 0xfd, 0x00]),                          // not UTF-8 (and standard, not url-safe, base64)
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task A_garbage_inbox_cursor_is_refused_with_400_naming_cursor(string cursor)
    {
        await using var host = await OrchestratorHost.StartAsync();
        await AssertRefusedAsync(host.Approver("tina", "team-leads"), $"/api/tasks?cursor={Uri.EscapeDataString(cursor)}", "cursor");
    }

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task A_garbage_request_list_cursor_is_refused_with_400_naming_cursor(string cursor)
    {
        await using var host = await OrchestratorHost.StartAsync();
        await AssertRefusedAsync(host.ClientFor("audrey", roles: ["auditor"]), $"/api/requests?cursor={Uri.EscapeDataString(cursor)}", "cursor");
    }

    [Fact]
    public async Task A_cursor_together_with_an_offset_is_refused_naming_offset()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var cursor = PageCursor.After(DateTimeOffset.UtcNow, Guid.NewGuid()).Encode();
        await AssertRefusedAsync(host.Approver("tina", "team-leads"), $"/api/tasks?offset=5&cursor={cursor}", "offset");
        await AssertRefusedAsync(host.ClientFor("audrey", roles: ["auditor"]), $"/api/requests?offset=5&cursor={cursor}", "offset");
    }

    [Fact]
    public async Task An_offset_past_the_bound_that_would_make_the_database_read_every_skipped_row_is_refused_naming_offset()
    {
        await using var host = await OrchestratorHost.StartAsync();
        await AssertRefusedAsync(host.Approver("tina", "team-leads"), $"/api/tasks?offset={PageRequest.MaxOffset + 1}", "offset");
        await AssertRefusedAsync(host.ClientFor("audrey", roles: ["auditor"]), $"/api/requests?offset={PageRequest.MaxOffset + 1}", "offset");
    }

    [Fact]
    public async Task A_cursor_forged_at_another_groups_task_shows_an_approver_only_their_own_groups_tasks()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var amber = await host.OpenTaskIdAsync(await host.SubmitOkAsync(Amber, requester: "ron"));
        var red = await host.OpenTaskIdAsync(await host.SubmitOkAsync(Red, requester: "ron"));
        var redTask = await host.GetTaskAsync(red);
        var amberTask = await host.GetTaskAsync(amber);

        // Positions forged from the other group's task, from just before each task, and from the start of time.
        var cursors = new[]
        {
            PageCursor.After(redTask.GetProperty("dueAt").GetDateTimeOffset(), red),
            PageCursor.After(redTask.GetProperty("dueAt").GetDateTimeOffset(), Guid.Empty),
            PageCursor.After(amberTask.GetProperty("dueAt").GetDateTimeOffset(), Guid.Empty),
            PageCursor.After(DateTimeOffset.UnixEpoch, Guid.Empty),
        };
        var lead = host.Approver("tina", "team-leads");
        foreach (var cursor in cursors)
        {
            var ids = await IdsAsync(lead, $"/api/tasks?cursor={cursor.Encode()}");
            Assert.DoesNotContain(red, ids);
        }

        // And the officer, handed the lead's own next cursor, still sees only security-officers tasks.
        var officer = host.Approver("sam", "security-officers");
        var leadsPage = await lead.GetFromJsonAsync<JsonElement>("/api/tasks?limit=1", Ct);
        Assert.Equal(amber, leadsPage.GetProperty("items")[0].GetProperty("id").GetGuid());
        foreach (var cursor in cursors)
        {
            Assert.DoesNotContain(amber, await IdsAsync(officer, $"/api/tasks?cursor={cursor.Encode()}"));
        }
    }

    [Fact]
    public async Task A_forged_cursor_never_shows_an_approver_their_own_request_nor_a_submitter_someone_elses()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var tinasOwn = await host.OpenTaskIdAsync(await host.SubmitOkAsync(Amber, requester: "tina"));
        var rons = await host.SubmitOkAsync(Amber, requester: "ron");
        await host.OpenTaskIdAsync(rons);
        var start = PageCursor.After(DateTimeOffset.UnixEpoch, Guid.Empty).Encode();
        var end = PageCursor.After(DateTimeOffset.UtcNow.AddYears(10), Guid.Empty).Encode();

        Assert.DoesNotContain(tinasOwn, await IdsAsync(host.Approver("tina", "team-leads"), $"/api/tasks?cursor={start}"));
        // Newest first: a cursor far in the future starts before every request; a submitter still gets only their own.
        var tina = host.ClientFor("tina", roles: ["submitter"]);
        Assert.DoesNotContain(rons, await IdsAsync(tina, $"/api/requests?cursor={end}"));
        Assert.NotEmpty(await IdsAsync(tina, $"/api/requests?cursor={end}"));
    }

    private static async Task<List<Guid>> IdsAsync(HttpClient client, string url) =>
        (await client.GetFromJsonAsync<JsonElement>(url, Ct)).GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetGuid()).ToList();

    private static async Task AssertRefusedAsync(HttpClient client, string url, string field)
    {
        var response = await client.GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await OrchestratorHost.ReadAsync(response);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    private static string B64(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
}
