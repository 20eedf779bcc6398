using System.Net.Http.Json;
using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Support;

namespace ApprovalOrchestrator.Integration.Tests.Approvers;

/// <summary>
/// Inbox and request list pages follow the <c>next</c> cursor: rows inserted between two fetches never shift a page, so
/// every row that existed when the walk began is seen exactly once, in the list's order.
/// </summary>
public sealed class KeysetPagingTests
{
    private const string Amber = "Send the invoice to the vendor.";
    private const string Red = "Transfer funds to the supplier.";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Inbox_pages_by_cursor_show_every_existing_task_once_while_new_tasks_land_in_the_middle_of_the_list()
    {
        await using var host = await OrchestratorHost.StartAsync();
        // Amber tasks are due in 4 h (team-leads), red ones in 24 h (security-officers): an approver in both sees the amber
        // ones first, and every amber task submitted during the walk lands between them and the red ones.
        var existing = new List<Guid>();
        foreach (var text in Enumerable.Repeat(Amber, 5).Concat(Enumerable.Repeat(Red, 4)))
        {
            existing.Add(await host.OpenTaskIdAsync(await host.SubmitOkAsync(text, requester: "ron")));
        }

        var olga = host.Approver("olga", "team-leads,security-officers");
        var seen = new List<(Guid Id, DateTimeOffset DueAt)>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await olga.GetFromJsonAsync<JsonElement>("/api/tasks?limit=2" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"), Ct);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(t => (t.GetProperty("id").GetGuid(), t.GetProperty("dueAt").GetDateTimeOffset())));
            cursor = page.GetProperty("next").GetString();
            await host.OpenTaskIdAsync(await host.SubmitOkAsync(Amber, requester: "ron"));
            pages++;
        }
        while (cursor is not null && pages < 30);

        Assert.Null(cursor);
        Assert.Equal(seen.Count, seen.Select(s => s.Id).Distinct().Count());
        Assert.All(existing, id => Assert.Contains(id, seen.Select(s => s.Id)));
        Assert.Equal(seen.OrderBy(s => s.DueAt).ThenBy(s => s.Id.ToString()).Select(s => s.Id), seen.Select(s => s.Id));
    }

    [Fact]
    public async Task Request_list_pages_by_cursor_show_every_existing_request_once_while_newer_requests_arrive()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var existing = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            existing.Add(await host.SubmitOkAsync(i % 2 == 0 ? Amber : "Summarize our AI governance policy for internal use.", requester: "ron"));
        }

        var auditor = host.ClientFor("audrey", roles: ["auditor"]);
        var seen = new List<(Guid Id, DateTimeOffset CreatedAt)>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await auditor.GetFromJsonAsync<JsonElement>("/api/requests?limit=3" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"), Ct);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(r => (r.GetProperty("id").GetGuid(), r.GetProperty("createdAt").GetDateTimeOffset())));
            cursor = page.GetProperty("next").GetString();
            // Newest first: what arrives now sorts before the cursor and must not push an old row onto the next page twice.
            await host.SubmitOkAsync(Amber, requester: "ron");
            pages++;
        }
        while (cursor is not null && pages < 30);

        Assert.Equal(existing.Order(), seen.Select(s => s.Id).Order());
        Assert.Equal(seen.OrderByDescending(s => s.CreatedAt).Select(s => s.Id), seen.Select(s => s.Id));
    }

    [Fact]
    public async Task The_first_page_counts_its_matches_and_the_last_page_has_no_next()
    {
        await using var host = await OrchestratorHost.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            await host.OpenTaskIdAsync(await host.SubmitOkAsync(Amber, requester: "ron"));
        }

        var tina = host.Approver("tina", "team-leads");
        var first = await tina.GetFromJsonAsync<JsonElement>("/api/tasks?limit=2", Ct);
        var last = await tina.GetFromJsonAsync<JsonElement>($"/api/tasks?limit=2&cursor={Uri.EscapeDataString(first.GetProperty("next").GetString()!)}", Ct);

        Assert.Equal(3, first.GetProperty("total").GetInt32());
        Assert.True(first.GetProperty("totalExact").GetBoolean());
        Assert.Single(last.GetProperty("items").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, last.GetProperty("next").ValueKind);
        // The old offset paging still answers (bounded; see docs/api.md).
        var byOffset = await tina.GetFromJsonAsync<JsonElement>("/api/tasks?limit=2&offset=2", Ct);
        Assert.Equal(last.GetProperty("items")[0].GetProperty("id").GetGuid(), byOffset.GetProperty("items")[0].GetProperty("id").GetGuid());
    }
}
