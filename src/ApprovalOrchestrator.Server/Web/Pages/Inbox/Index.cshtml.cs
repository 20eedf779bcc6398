using ApprovalOrchestrator.Application.Approvals;
using ApprovalOrchestrator.Runtime.Requests;
using ApprovalOrchestrator.Server.Tasks;
using Microsoft.AspNetCore.Mvc;

namespace ApprovalOrchestrator.Server.Web.Pages.Inbox;

/// <summary>The approver's inbox: the same query as <c>GET /api/tasks</c>, most urgent (earliest due) first.</summary>
public sealed class IndexModel(RequestQueries queries, TaskVisibility visibility) : ConsolePage
{
    public const int PageSize = 100;

    [BindProperty(SupportsGet = true)]
    public string? Risk { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Group { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    public Page<TaskView> Tasks { get; private set; } = new([], 0, 0, PageSize);

    public IReadOnlyList<string> Groups { get; private set; } = [];

    public static readonly string[] Statuses = TaskEndpoints.Statuses;

    public async Task OnGetAsync() => Tasks = await LoadAsync();

    /// <summary>What the page's script polls: the ids shown, so it can tell when the list changed and refresh it.</summary>
    public async Task<IActionResult> OnGetPollAsync()
    {
        var tasks = await LoadAsync();
        return new JsonResult(new { total = tasks.Total, ids = tasks.Items.Select(t => t.Id) });
    }

    private async Task<Page<TaskView>> LoadAsync()
    {
        Risk = Risk is "amber" or "red" ? Risk : null;
        Status = Statuses.Contains(Status) ? Status : "open";
        Group = string.IsNullOrWhiteSpace(Group) ? null : Group;
        var query = TaskEndpoints.InboxQueryFor(await visibility.InboxAsync(Me.AsActor()), Status!, Risk, Group);
        Groups = query.Groups.Order(StringComparer.Ordinal).ToList();
        return await queries.InboxAsync(query, PageRequest.First(PageSize));
    }
}
