using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Requests;
using ApprovalOrchestrator.Server.Audit;
using Microsoft.AspNetCore.Mvc;

namespace ApprovalOrchestrator.Server.Web.Pages.Audit;

/// <summary>The auditor's search over requests, and the audit-trail export (CSV or JSONL) of exactly what the search finds.</summary>
public sealed class IndexModel(RequestQueries queries) : ConsolePage
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Risk { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Requester { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Agent { get; set; }

    /// <summary>From this day (UTC), inclusive.</summary>
    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    /// <summary>Up to this day (UTC), inclusive.</summary>
    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    [BindProperty(SupportsGet = true, Name = "page")]
    public int PageNumber { get; set; } = 1;

    /// <summary>Export one request's trail only.</summary>
    [BindProperty(SupportsGet = true, Name = "request")]
    public Guid? RequestId { get; set; }

    public static int MaxPage => PageRequest.MaxOffset / PageSize + 1;

    public Page<RequestView> Results { get; private set; } = new([], 0, 0, PageSize);

    public static IEnumerable<string> Statuses => Enum.GetValues<InstanceStatus>().Select(s => s.ToWire());

    public static readonly string[] Risks = ["green", "amber", "red"];

    public async Task OnGetAsync()
    {
        // Numbered pages are offsets, which the database reads through; past MaxPage narrow the search instead.
        PageNumber = Math.Clamp(PageNumber, 1, MaxPage);
        Results = await queries.SearchAsync(Filter(), new PageRequest(PageSize, Offset: (PageNumber - 1) * PageSize));
    }

    public async Task<IActionResult> OnGetExportAsync(string? format)
    {
        format ??= "csv";
        if (!AuditExport.IsFormat(format))
        {
            return BadRequest();
        }

        var filter = Filter();
        var events = RequestId is { } one ? queries.AuditStreamAsync(one) : filter.IsEmpty ? queries.AuditStreamAsync((Guid?)null) : queries.AuditStreamAsync(filter);
        await AuditExport.WriteAsync(Response, format, RequestId is { } id ? $"audit-{id}" : "audit", events, queries);
        return new EmptyResult();
    }

    /// <summary>The export link for the current filter.</summary>
    public string ExportUrl(string format) => Url.Page("/Audit/Index", "Export", new { format, status = Status, risk = Risk, requester = Requester, agent = Agent, from = From?.ToString("yyyy-MM-dd"), to = To?.ToString("yyyy-MM-dd") })!;

    public string PageUrl(int page) => Url.Page("/Audit/Index", null, new { status = Status, risk = Risk, requester = Requester, agent = Agent, from = From?.ToString("yyyy-MM-dd"), to = To?.ToString("yyyy-MM-dd"), page })!;

    private RequestFilter Filter() => new(
        Statuses.Contains(Status) ? Status : null,
        Risks.Contains(Risk) ? Risk : null,
        Requester,
        Agent,
        From is { } f ? new DateTimeOffset(f.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
        To is { } t ? new DateTimeOffset(t.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null);
}
